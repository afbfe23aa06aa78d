"""Checks stage: the report's own arithmetic, with where and by how much."""
from ingest import checks
from ingest.record import Tables

COLS = checks.ALL_COLUMNS


def _row(*values):
    return dict(zip(COLS, values))


def _balanced() -> dict:
    return {"new_received": _row(3, 0, 0, 0, 0, 1, 4), "carried_over": _row(1, 0, 0, 0, 0, 0, 1),
            "granted": _row(2, 0, 0, 0, 0, 1, 3), "denied.state_secret": _row(1, 0, 0, 0, 0, 0, 1),
            "results_total": _row(3, 0, 0, 0, 0, 1, 4), "carried_forward": _row(1, 0, 0, 0, 0, 0, 1)}


def test_all_rules_hold():
    review = {g: {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2} for g in checks.REVIEW_GROUPS}
    result = checks.run(Tables(requests=_balanced(), review_litigation=review))
    assert [(c.rule, c.ok) for c in result] == [(r, True) for r in checks.RULES]


def test_failures_say_where_and_by_how_much():
    t = _balanced()
    t["carried_forward"]["natural_person"] = 2      # one carried-forward cell off
    t["granted"]["total"] = 5                        # a wrong row total
    review = {"review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 3}}
    result = {c.rule: c for c in checks.run(Tables(requests=t, review_litigation=review))}
    assert not result["requests_balance"].ok and "natural_person" in result["requests_balance"].detail
    assert "off by -1" in result["requests_balance"].detail
    assert not result["requests_row_totals"].ok and "granted" in result["requests_row_totals"].detail
    assert not result["requests_results_total"].ok
    assert "review: 3 ≠ 1" in result["review_totals"].detail


def test_no_tables_no_checks():
    assert checks.run(Tables()) == []


def test_text_table_joins_the_arithmetic_when_the_prose_states_a_total():
    from ingest.record import Section

    t = _balanced()
    total = t["new_received"]["total"]
    said = [Section(id="requests", text=f"本年度本机关共收到政府信息公开申请{total:g}件。")]
    result = checks.run(Tables(requests=t), said, 2024)
    assert [(c.rule, c.ok) for c in result][-1] == ("text_table", True)
    wrong = [Section(id="requests", text=f"本年度本机关共收到政府信息公开申请{total + 2:g}件。")]
    [found] = [c for c in checks.run(Tables(requests=t), wrong, 2024) if c.rule == "text_table"]
    assert found.ok is False and f"prose {total + 2:g}" in found.detail
    assert found.evidence["claims"][0]["cells"] == [{"cell": "requests.new_received.total",
                                                     "value": total}]
    problems_only = [Section(id="problems", text=f"共收到政府信息公开申请{total + 2:g}件。")]
    assert [c.rule for c in checks.run(Tables(requests=t), problems_only, 2024)] == [
        r for r in checks.RULES if r != "review_totals"]  # no review table; the problems are not prose totals
