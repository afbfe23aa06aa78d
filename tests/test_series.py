"""One agency across the years: agency keys, the text_table and cross-year checks, verdicts,
recurring problems and `ingest history` / `ingest agencies` / `ingest checks verdict`."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from ingest import agencies, analysis, checks, series
from ingest.cli.main import app
from ingest.corpus.generate import render
from ingest.corpus.series import series as generated_series
from ingest.pipeline import parse_bytes
from ingest.record import Section, Tables


@pytest.mark.parametrize("names", [
    ("洪泽区人民政府", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府"),
    ("某综合实验区", "某综合实验区管委会", "某综合实验区管理委员会"),
    ("竹溪县国土资源局", "枫林市竹溪县自然资源局"),        # renamed after the reform
    ("云岫省人民政府办公厅", "云岫省 人民政府办公厅", "云岫省人民政府办公室"),
    ("ＸＹ市统计局", "XY市统计局", "XY市\u3000统计局"),      # full-width letters, space
    ("竹溪县石桥街道办事处", "竹溪县人民政府石桥街道办事处", "石桥街道办事处"),
])
def test_names_of_one_agency_share_a_key(names):
    assert len({agencies.agency_key(n) for n in names}) == 1


@pytest.mark.parametrize("a, b", [
    ("某综合实验区", "某综合实验区地方税务局"), ("平县人民政府", "平县人民政府办公室"),
    ("竹溪县自然资源局", "柳营县自然资源局"), ("枫林市教育局", "枫林市竹溪县教育局"),
])
def test_different_agencies_have_different_keys(a, b):
    assert agencies.agency_key(a) != agencies.agency_key(b)


def test_levels_and_parent_units_split_only_when_two_parents_are_seen():
    assert [agencies.level(n) for n in ("云岫省人民政府", "枫林市教育局", "竹溪县人民政府",
                                        "石桥镇人民政府", "竹溪县石桥街道办事处", "国家统计局",
                                        "上海市人民政府办公厅")] == [
        "province", "city_department", "county", "township", "street", "department",
        "province_department"]
    keys = agencies.resolve_keys(["甲县石桥镇人民政府", "乙县石桥镇人民政府", "淮安市洪泽区人民政府",
                                  "洪泽区人民政府"])
    assert keys == {"甲县石桥镇人民政府": "甲县石桥镇人民政府", "乙县石桥镇人民政府": "乙县石桥镇人民政府",
                    "淮安市洪泽区人民政府": "洪泽区人民政府", "洪泽区人民政府": "洪泽区人民政府"}


TABLES = Tables(requests={"new_received": {"total": 12}, "carried_over": {"total": 2},
                          "results_total": {"total": 13}, "carried_forward": {"total": 1}},
                review_litigation={"review": {"upheld": 1, "total": 2},
                                   "litigation_direct": {"total": 1},
                                   "litigation_after_review": {"total": 0}})


def text_check(text: str, year: int = 2023):
    return checks.text_table(TABLES, [Section(id="overview", text=text)], year)


@pytest.mark.parametrize("text, ok", [
    ("2023年，本机关共收到政府信息公开申请12件，办结13件，1件结转下年度继续办理。", True),
    ("本年度共受理政府信息公开申请15件。", False),
    ("因政府信息公开引起的行政复议案件2件、行政诉讼案件1件。", True),
    ("收到政府信息公开行政复议申请3件。", False),
    ("全县各部门共收到政府信息公开申请240件。", None),       # another scope: uncertain
    ("本年度共受理申请30件。", None),                         # says not what it counts
    ("共受理政府信息公开申请12件，其中网上受理申请9件。", None),  # a part: 9 is uncertain
    ("本年度行政复议2件，其中维持1件。", True),
    ("2022年共收到政府信息公开申请40件。", "none"),           # another year: no claim
    ("较去年共收到政府信息公开申请多8件。", "none"),
])
def test_text_table_claims(text, ok):
    found = text_check(text)
    if ok == "none":
        assert found is None
        return
    assert found.rule == "text_table" and found.ok is ok
    claim = found.evidence["claims"][0]
    assert claim["sentence"] == text and claim["cells"][0]["value"] is not None


def _store_series(store, seed: int, formats=("txt", "html")):
    expected = {}
    for i, doc in enumerate(generated_series(seed)):
        generated = render(doc.spec, formats[i % len(formats)])
        record = parse_bytes(generated.data, generated.filename)
        saved = store.save(uri=generated.filename, sha256=record.source.sha256,
                           media_type=record.source.media_type, status="ok", reason=None,
                           record=record, parser_version="1")
        expected[saved.id] = doc
    return expected


def test_generated_series_every_break_found_none_invented(store):
    expected = _store_series(store, seed=0)
    from sqlalchemy import select

    from ingest.store.models import Document
    with store.session() as session:
        keys = dict(session.execute(select(Document.id, Document.agency_key)).all())
    pairs = {(doc.key, keys[i]) for i, doc in expected.items()}
    assert len(pairs) == len({e for e, _ in pairs}) == len({k for _, k in pairs}) == 7
    rows = analysis.all_checks(store)
    failed = {(r["document_id"], r["rule"]) for r in rows if r["ok"] is False}
    assert {i for i, r in failed if r == "carry_over"} == {
        i for i, d in expected.items() if d.carry_broken} != set()
    assert {i for i, r in failed if r == "text_table"} == {
        i for i, d in expected.items() if d.prose_disagrees} != set()
    uncertain = {r["document_id"] for r in rows if r["rule"] == "text_table" and r["ok"] is None}
    assert {i for i, d in expected.items() if d.prose_other_scope and not d.prose_disagrees} \
        <= uncertain
    carry = next(r for r in rows if r["rule"] == "carry_over" and r["ok"] is False)
    assert carry["scope"] == "series" and set(carry["evidence"]) == {"values", "previous", "current"}
    assert carry["evidence"]["previous"]["year"] + 1 == carry["evidence"]["current"]["year"]


def invoke(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_verdicts_survive_a_reparse_and_a_changed_value_reopens(db_url, record_factory,
                                                               save_record):
    from ingest.store import open_store

    with open_store(db_url) as store:
        save_record(store, record_factory("甲县教育局", 2022))
        save_record(store, record_factory("甲县教育局", 2023, salt="a"))
        [failed] = analysis.failed_checks(store)
    assert failed["rule"] == "carry_over"  # 2022 结转 1, 2023 上年结转 0
    assert "dismissed" in invoke("checks", "verdict", str(failed["id"]), "dismiss", "--note",
                                 "结转口径不同", "--db", db_url)
    with open_store(db_url) as store:  # a new parser version re-parses the same values
        save_record(store, record_factory("甲县教育局", 2023, salt="a"), parser_version="2")
        [again] = analysis.failed_checks(store)
        assert (again["verdict"], again["note"]) == ("dismiss", "结转口径不同")
        save_record(store, record_factory("甲县教育局", 2022, balance_ok=False), parser_version="2")
        reopened = [r for r in analysis.failed_checks(store) if r["rule"] == "carry_over"]
    assert [(r["verdict"], r["evidence"]["values"]) for r in reopened] == [(None, {"total": [4, 0]})]
    assert json.loads(invoke("checks", "--open", "--db", db_url, "--json"))
    result = CliRunner().invoke(app, ["checks", "verdict", "999", "confirm", "--db", db_url])
    assert result.exit_code == 2 and "no check 999" in result.output


def test_history_marks_recurring_problems_and_fixes_that_did_not_hold(store, record_factory,
                                                                     save_record, db_url):
    timely = (("信息更新不及时", ("timeliness_update",)),)
    save_record(store, record_factory("乙市某区人民政府", 2021, problems=timely, improvements=()))
    save_record(store, record_factory("某区人民政府", 2022, problems=timely))
    save_record(store, record_factory("乙市某区人民政府", 2023,
                                      problems=(("培训不足", ("staff_capacity",)),)))
    problem = {"statements": [{"type": "problem", "themes": ["timeliness_update"]}]}
    found = series.recurring([{"year": y, "record": problem} for y in (2019, 2021, 2022, 2023)])
    assert found == {"timeliness_update": {"years": [2019, 2021, 2022, 2023], "recurring": True,
                                           "longest_run": 3, "after_fix": []}}
    rows = json.loads(invoke("history", "某区人民政府", "--db", db_url, "--json"))
    assert [(r["year"], r["agency"], r["problem_themes"], r["after_fix"]) for r in rows] == [
        (2021, "乙市某区人民政府", "timeliness_update", ""),
        (2022, "某区人民政府", "timeliness_update*", ""),
        (2023, "乙市某区人民政府", "staff_capacity", "staff_capacity")]  # fixed in 2022, again
    table = list(csv.DictReader(io.StringIO(invoke("history", "某区", "--db", db_url, "--csv"))))
    assert [r["year"] for r in table] == ["2021", "2022", "2023"]
    listed = json.loads(invoke("agencies", "--db", db_url, "--json"))
    assert [(a["agency_key"], a["level"], a["years"], a["names"]) for a in listed] == [
        ("某区人民政府", "county", "2021,2022,2023", "乙市某区人民政府;某区人民政府")]


def test_a_served_snapshot_keeps_keys_series_checks_and_verdicts(store, record_factory,
                                                                save_record, tmp_path):
    from ingest.serve import snapshot
    from ingest.store import open_store
    from ingest.verdicts import set_verdict

    save_record(store, record_factory("丁市某县水利局", 2022))
    save_record(store, record_factory("某县水利局", 2023))
    [failed] = analysis.failed_checks(store)
    set_verdict(store, failed["fingerprint"], "confirm", "上年结转漏填")
    with open_store(f"sqlite:///{snapshot(store, tmp_path / 'snap.db')}") as copy:
        [served] = analysis.failed_checks(copy)
    assert (served["agency_key"], served["rule"], served["verdict"], served["note"]) == (
        "某县水利局", "carry_over", "confirm", "上年结转漏填")


def test_every_generated_place_name_parses_into_its_units():
    from ingest.corpus.phrases import bank

    places = bank()["places"]
    for city in places["cities"]:
        for county in places["counties"]:
            for suffix in "县区":
                name = f"{city}市{county}{suffix}自然资源局"
                assert agencies.parse(name).units == ((f"{city}市", "city"),
                                                      (county + suffix, "county")), name
    for town in places["towns"]:
        assert agencies.level(f"竹溪县{town}镇人民政府") == "township"


@pytest.mark.parametrize("text, ok", [
    # 2021 form: 本年制发件数 only; what was published (incl. amended ones) is not comparable
    ("主动公开规章13件（含新制定5件，修改4件），主动公开行政规范性文件42件。", "none"),
    ("本年度制发行政规范性文件40件。", True),
    ("本年度制发行政规范性文件41件，主动公开规章13件。", False),
])
def test_text_table_the_verb_before_the_number_says_which_column(text, ok):
    tables = Tables(proactive={"rules": {"made": 5, "repealed": 0, "in_force": 30},
                               "normative_documents": {"made": 40, "repealed": 2, "in_force": 90}})
    found = checks.text_table(tables, [Section(id="overview", text=text)], 2023)
    assert (found.ok if found else "none") == ok


def test_text_table_outcome_counts_are_not_totals():
    found = text_check("因政府信息公开被申请行政复议2件，行政复议纠错0件，被提起行政诉讼1件，行政诉讼败诉0件。")
    assert found.ok is True
    assert [c["claim"] for c in found.evidence["claims"]] == ["review_total", "litigation_total"]


@pytest.mark.parametrize("text, ok", [
    ("本机关共收到8份政府信息公开申请。", False),                 # 份 counts too
    ("共收到12件依申请公开请求，办结13件。", True),
    ("共收到12件依申请公开请求，上年度结转申请3件。", False),     # 上年结转 2 in the table
    ("2022年结转政府信息公开申请5件，共办结13件。", "none"),       # the last year named is not 2023's
])
def test_text_table_units_and_the_year_last_named(text, ok):
    found = text_check(text)
    assert (found.ok if found else "none") == ok


@pytest.mark.parametrize("agency, ok", [
    ("某区人民政府办公室", False),   # the office's own report: its own total
    ("某区人民政府", None),          # the government's report: the office alone is another scope
])
def test_text_table_a_scope_that_names_the_report_agency_is_its_own(agency, ok):
    found = checks.text_table(TABLES, [Section(id="overview", text="区政府办公室共收到8份政府信息公开申请。")],
                              2023, agency)
    assert found.ok is ok
