"""Analyst views of a store: problem themes by year and by agency level (with trends, and as a
theme x year pivot), checks that fail with their verdicts, request volumes per year. One
agency's reports across years are in `series.history`.

Each function takes a store and returns plain rows (lists of dicts) that the CLI prints as a
Rich table, JSON or CSV, and that the HTML report charts.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from sqlalchemy import select

from .settings import load_yaml
from .store.models import CheckRow, Document, StatementRow, StatementTheme, TableCell, Verdict


@lru_cache(maxsize=1)
def _level_rules() -> tuple[re.Pattern, dict[str, int], list[str], str, re.Pattern | None]:
    """(suffix pattern, suffix -> tier, tier names, fallback, ignore pattern)."""
    data = load_yaml("agency_levels.yaml")
    tiers = [lv["id"] for lv in data["levels"]]
    tier_of = {s: i for i, lv in enumerate(data["levels"]) for s in lv["suffixes"]}
    suffixes = re.compile("|".join(map(re.escape, sorted(tier_of, key=len, reverse=True))))
    ignore = sorted(data.get("ignore") or [], key=len, reverse=True)
    ignored = re.compile("|".join(map(re.escape, ignore))) if ignore else None
    return suffixes, tier_of, tiers, data.get("fallback", "部门"), ignored


def agency_level(agency: str | None) -> str:
    """Given an agency name, return its level: the lowest tier named in it, else 部门."""
    suffixes, tier_of, tiers, fallback, ignored = _level_rules()
    name = ignored.sub("", agency or "") if ignored else agency or ""
    found = [tier_of[m.group()] for m in suffixes.finditer(name)]
    return tiers[max(found)] if found else fallback


def theme_names() -> dict[str, str]:
    from .themes import taxonomy

    return {t["id"]: t.get("name", t["id"]) for t in taxonomy()}


def _problem_themes(store) -> list[tuple[int, str | None, int | None, str]]:
    """(document id, agency, year, theme) for every theme of every problem statement."""
    query = (select(Document.id, Document.agency, Document.year, StatementTheme.theme)
             .join(StatementRow, StatementRow.document_id == Document.id)
             .join(StatementTheme, StatementTheme.statement_id == StatementRow.id)
             .where(StatementRow.type == "problem", Document.status == "ok"))
    with store.session() as session:
        return [tuple(r) for r in session.execute(query)]


def _reports(store) -> list[tuple[int, str | None, int | None]]:
    with store.session() as session:
        return [tuple(r) for r in session.execute(
            select(Document.id, Document.agency, Document.year).where(Document.status == "ok"))]


def _trend(shares: list[float]) -> float:
    """Least-squares slope of the shares over consecutive years, in percentage points/year."""
    n = len(shares)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(shares) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(shares))
    den = sum((x - mean_x) ** 2 for x in range(n))
    return round(100 * num / den, 2)


def themes_by(store, dimension: str) -> list[dict]:
    """Per theme and year (dimension="year") or agency level ("level"): problem statements,
    reports mentioning the theme and their share of all reports in that group."""
    group = (lambda agency, year: year) if dimension == "year" else \
        (lambda agency, year: agency_level(agency))
    reports = Counter(group(a, y) for _, a, y in _reports(store))
    statements: Counter = Counter()
    mentioning: dict = defaultdict(set)
    for doc_id, agency, year, theme in _problem_themes(store):
        key = (theme, group(agency, year))
        statements[key] += 1
        mentioning[key].add(doc_id)
    names = theme_names()
    rows = [{"theme": theme, "name": names.get(theme, theme), dimension: g,
             "statements": n, "reports": len(mentioning[(theme, g)]),
             "share": round(len(mentioning[(theme, g)]) / reports[g], 4) if reports[g] else 0.0}
            for (theme, g), n in statements.items()]
    return sorted(rows, key=lambda r: (r["theme"], str(r[dimension])))


def theme_trends(store) -> list[dict]:
    """Per theme: share of reports mentioning it in each year, and the trend (pp per year)."""
    by_year = themes_by(store, "year")
    years = sorted({y for _, _, y in _reports(store) if y is not None})
    shares: dict[str, dict[int, float]] = defaultdict(dict)
    totals: Counter = Counter()
    for row in by_year:
        if row["year"] is not None:
            shares[row["theme"]][row["year"]] = row["share"]
        totals[row["theme"]] += row["statements"]
    names = theme_names()
    rows = []
    for theme, per_year in shares.items():
        series = [per_year.get(y, 0.0) for y in years]
        rows.append({"theme": theme, "name": names.get(theme, theme), "statements": totals[theme],
                     **{str(y): s for y, s in zip(years, series)}, "trend_pp": _trend(series)})
    return sorted(rows, key=lambda r: -r["statements"])


def themes_pivot(store) -> tuple[list[dict], list[str]]:
    """Theme x year: per theme one row, per year the share of that year's reports whose
    problem statements mention the theme (0.0 where none); and the year columns."""
    by_year = themes_by(store, "year")
    years = sorted({r["year"] for r in by_year if r["year"] is not None})
    names = theme_names()
    rows: dict[str, dict] = {}
    for r in by_year:
        if r["year"] is None:
            continue
        row = rows.setdefault(r["theme"], {"theme": r["theme"], "name": names.get(r["theme"], r["theme"]),
                                           **{str(y): 0.0 for y in years}, "reports": 0})
        row[str(r["year"])] = r["share"]
        row["reports"] += r["reports"]
    return sorted(rows.values(), key=lambda r: (-r["reports"], r["theme"])), [str(y) for y in years]


def _checks(store, where, keys=None) -> list[dict]:
    query = (select(Document.id, Document.agency, Document.agency_key, Document.year,
                    Document.title, Document.uri, CheckRow.id.label("check_id"), CheckRow.rule,
                    CheckRow.ok, CheckRow.detail, CheckRow.evidence, CheckRow.scope,
                    CheckRow.fingerprint, Verdict.verdict, Verdict.note)
             .join(CheckRow, CheckRow.document_id == Document.id)
             .outerjoin(Verdict, Verdict.fingerprint == CheckRow.fingerprint)
             .where(*where).order_by(Document.agency_key, Document.year, CheckRow.id))
    if keys is not None:
        query = query.where(Document.agency_key.in_(list(keys)))
    with store.session() as session:
        return [{"id": r.check_id, "document_id": r.id, "agency": r.agency,
                 "agency_key": r.agency_key, "year": r.year, "title": r.title, "rule": r.rule,
                 "ok": r.ok, "scope": r.scope, "detail": r.detail, "evidence": r.evidence,
                 "fingerprint": r.fingerprint, "verdict": r.verdict, "note": r.note,
                 "url": r.uri} for r in session.execute(query)]


def failed_checks(store, keys=None) -> list[dict]:
    """Every failed check (the report's own and the cross-year ones) with its report, detail,
    evidence and the reviewer's verdict if any, by agency key and year."""
    return _checks(store, [CheckRow.ok.is_(False)], keys)


def request_volumes(store) -> list[dict]:
    """New requests received (requests.new_received.total) summed per year."""
    query = (select(Document.year, TableCell.value)
             .join(TableCell, TableCell.document_id == Document.id)
             .where(TableCell.table_name == "requests", TableCell.row_key == "new_received",
                    TableCell.col_key == "total", Document.status == "ok"))
    sums: Counter = Counter()
    reports: Counter = Counter()
    with store.session() as session:
        for year, value in session.execute(query):
            sums[year] += value or 0
            reports[year] += 1
    return [{"year": y, "new_requests": sums[y], "reports": reports[y]}
            for y in sorted(sums, key=lambda y: (y is None, y))]


def all_checks(store) -> list[dict]:
    """Every check, passed, failed or uncertain (ok None), with its report."""
    return _checks(store, [])


def agencies(store) -> list[dict]:
    """Per agency key: its level, the names it was reported under and the years."""
    query = (select(Document.agency_key, Document.level, Document.agency, Document.year)
             .where(Document.status == "ok", Document.agency_key.is_not(None)))
    groups: dict[str, dict] = {}
    with store.session() as session:
        for key, level, name, year in session.execute(query):
            g = groups.setdefault(key, {"agency_key": key, "level": level, "names": set(),
                                        "years": set(), "reports": 0})
            g["names"].add(name)
            g["reports"] += 1
            if year is not None:
                g["years"].add(year)
    return [{**g, "names": ";".join(sorted(g["names"])),
             "years": ",".join(str(y) for y in sorted(g["years"]))}
            for g in sorted(groups.values(), key=lambda g: g["agency_key"])]
