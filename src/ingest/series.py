"""One agency across the years: cross-year checks, recurring problems and the series view.

- `refresh(session, keys)`: recompute the cross-year checks of the agency keys given, stored
  as `series` checks of the later report of each pair of consecutive years: `carry_over`
  (year N's 结转下年度继续办理 = year N+1's 上年结转, per applicant column) and `request_jump`
  (new requests changing by config/series.yaml's factor or more);
- `recurring(reports)`: per problem theme, the years reported and whether it recurs in
  consecutive years, and whether this year's problems follow last year's promised fixes;
- `history(store, agency)`: per agency key and year, request volumes, failed checks and problem
  themes with the recurring ones marked.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, insert, or_, select

from .checks import ALL_COLUMNS, TOLERANCE, _fmt
from .settings import load_yaml
from .store.models import CheckRow, Document
from .verdicts import compared_values, fingerprint

SERIES_RULES = ("carry_over", "request_jump")
VOLUME_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")


def _requests(record: dict | None) -> dict:
    return ((record or {}).get("tables") or {}).get("requests") or {}


def _side(doc, values: dict) -> dict:
    return {"document_id": doc.id, "agency": doc.agency, "year": doc.year, **values}


def carry_over(prev, cur) -> dict | None:
    """The carry_over check between two consecutive reports (None: a table or row is missing)."""
    before, after = _requests(prev.record), _requests(cur.record)
    if "carried_forward" not in before or "carried_over" not in after:
        return None
    pairs = {c: [before["carried_forward"].get(c), after["carried_over"].get(c)]
             for c in ALL_COLUMNS}
    pairs = {c: v for c, v in pairs.items() if None not in v}
    off = [f"{c}: {prev.year} 结转下年度 {_fmt(a)} ≠ {cur.year} 上年结转 {_fmt(b)} "
           f"(off by {_fmt(b - a)})" for c, (a, b) in pairs.items() if abs(a - b) > TOLERANCE]
    return {"rule": "carry_over", "ok": not off, "detail": "; ".join(off) or None,
            "evidence": {"values": pairs,
                         "previous": _side(prev, {"carried_forward": before["carried_forward"]}),
                         "current": _side(cur, {"carried_over": after["carried_over"]})}}


def request_jump(prev, cur) -> dict | None:
    """New requests received changing by the configured factor or more, year to year."""
    rule = load_yaml("series.yaml")["request_jump"]
    a = _requests(prev.record).get("new_received", {}).get("total")
    b = _requests(cur.record).get("new_received", {}).get("total")
    if a is None or b is None:
        return None
    low, high = sorted((a, b))
    jump = high >= rule["min_requests"] and high >= rule["factor"] * max(low, 1)
    detail = (f"new requests {prev.year} {_fmt(a)} → {cur.year} {_fmt(b)} "
              f"(×{high / max(low, 1):.1f})") if jump else None
    return {"rule": "request_jump", "ok": not jump, "detail": detail,
            "evidence": {"values": [a, b], "previous": _side(prev, {"new_received": a}),
                         "current": _side(cur, {"new_received": b})}}


def _first_per_year(docs) -> dict[int, object]:
    by_year: dict[int, object] = {}
    for doc in docs:
        by_year.setdefault(doc.year, doc)
    return by_year


def refresh(session, keys, years=None) -> None:
    """Recompute the series checks of the agency keys given: of every ok report, or with
    `years` only of the pairs that a report of those years is part of (a report just saved)."""
    refresh_many(session, {key: years for key in keys})


def refresh_many(session, touched: dict) -> None:
    """`refresh` for many agency keys at once ({key: years, or None for every year}), in a
    few statements for all of them. Reports are read whole (with their records) only where
    they form a pair."""
    touched = {k: v for k, v in touched.items() if k}
    if not touched:
        return
    docs = session.execute(select(Document.id, Document.year, Document.agency_key).where(
        Document.agency_key.in_(touched), Document.status == "ok", Document.year.is_not(None))
        .order_by(Document.year, Document.id)).all()
    later, pairs = [], []
    for key, years in touched.items():
        near = None if years is None else {y + d for y in years if y is not None for d in (-1, 0, 1)}
        mine = [d for d in docs if d.agency_key == key and (near is None or d.year in near)]
        by_year = _first_per_year(mine)
        now = {d.id for d in mine if years is None or d.year in years or d.year - 1 in years}
        later += sorted(now)
        pairs += [(key, by_year[year - 1].id, cur.id, year) for year, cur in by_year.items()
                  if year - 1 in by_year and cur.id in now]
    if later:
        session.execute(delete(CheckRow).where(CheckRow.document_id.in_(later),
                                               CheckRow.scope == "series"))
    if not pairs:
        return
    whole = {d.id: d for d in session.scalars(select(Document).where(
        Document.id.in_({i for pair in pairs for i in pair[1:3]})))}
    rows = []
    for key, prev_id, cur_id, year in pairs:
        prev, cur = whole[prev_id], whole[cur_id]
        for found in (carry_over(prev, cur), request_jump(prev, cur)):
            if found is not None:
                rows.append({"document_id": cur.id, "scope": "series", **found,
                             "fingerprint": fingerprint(found["rule"], key, year,
                                                        compared_values(None, found["evidence"]))})
    if rows:
        session.execute(insert(CheckRow), rows)


# ---- recurring problems and the series view --------------------------------------------------
def _themes(record: dict | None, kind: str) -> set[str]:
    return {t for s in (record or {}).get("statements") or [] if s["type"] == kind
            for t in s.get("themes") or []}


def recurring(reports: list[dict]) -> dict[str, dict]:
    """Given one agency's reports ({year, record}) return per problem theme: the years it was
    reported, `recurring` (reported in two consecutive years), the longest run of years, and
    the years whose problem follows last year's promised fix on the same theme."""
    problems: dict[int, set[str]] = defaultdict(set)
    fixes: dict[int, set[str]] = defaultdict(set)
    for r in reports:
        if r.get("year") is not None:
            problems[r["year"]] |= _themes(r.get("record"), "problem")
            fixes[r["year"]] |= _themes(r.get("record"), "improvement")
    out: dict[str, dict] = {}
    for theme in sorted({t for ts in problems.values() for t in ts}):
        years = sorted(y for y, ts in problems.items() if theme in ts)
        run = best = 1
        for a, b in zip(years, years[1:]):
            run = run + 1 if b == a + 1 else 1
            best = max(best, run)
        out[theme] = {"years": years, "recurring": best > 1, "longest_run": best,
                      "after_fix": [y for y in years if theme in fixes.get(y - 1, set())]}
    return out


def agency_keys(store, agency: str) -> list[str]:
    """The agency keys of `agency`: itself when it is a key, else keys or names containing it."""
    from .agencies import agency_key

    with store.session() as session:
        exact = {agency, agency_key(agency)}
        keys = set(session.scalars(select(Document.agency_key).where(
            Document.agency_key.in_([k for k in exact if k]))).all())
        if not keys:
            keys = set(session.scalars(select(Document.agency_key).where(or_(
                Document.agency_key.contains(agency, autoescape=True),
                Document.agency.contains(agency, autoescape=True)))).all())
    return sorted(k for k in keys if k)


def history(store, agency: str) -> list[dict]:
    """One row per agency key and year: names, request volumes, failed checks (the report's and
    the series'), problem themes with recurring ones marked `*`, themes after last year's fix."""
    from .analysis import failed_checks

    keys = agency_keys(store, agency)
    if not keys:
        return []
    with store.session() as session:
        docs = list(session.scalars(select(Document).where(
            Document.agency_key.in_(keys), Document.status == "ok")
            .order_by(Document.agency_key, Document.year, Document.id)))
    failed = defaultdict(list)
    for row in failed_checks(store, keys=keys):
        failed[row["document_id"]].append(row["rule"])
    rows = []
    for key in keys:
        mine = [d for d in docs if d.agency_key == key]
        themes = recurring([{"year": d.year, "record": d.record} for d in mine])
        for doc in mine:
            req = _requests(doc.record)
            probs = sorted(_themes(doc.record, "problem"))
            marked = [t + ("*" if _recurs_at(themes[t]["years"], doc.year) else "") for t in probs]
            rows.append({
                "agency_key": key, "year": doc.year, "agency": doc.agency, "level": doc.level,
                "document_id": doc.id, "title": doc.title,
                **{r: req.get(r, {}).get("total") for r in VOLUME_ROWS},
                "checks_failed": ";".join(failed.get(doc.id, [])),
                "problem_themes": ";".join(marked),
                "recurring": ";".join(t for t in probs if _recurs_at(themes[t]["years"], doc.year)),
                "after_fix": ";".join(t for t in probs if doc.year in themes[t]["after_fix"]),
                "url": doc.uri})
    return rows


def _recurs_at(years: list[int], year: int | None) -> bool:
    """Reported in `year` and in the year before it (a problem again)."""
    return year is not None and year in years and year - 1 in years
