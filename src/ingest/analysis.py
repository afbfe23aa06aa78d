"""Analyst views of a store: problem themes by year and by agency level (with trends), reports
whose arithmetic fails, and one agency's reports across years.

Each function takes a store and returns plain rows (lists of dicts) that the CLI prints as a
Rich table, JSON or CSV, and that the HTML report charts.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from sqlalchemy import select

from .settings import load_yaml
from .store.models import CheckRow, Document, StatementRow, StatementTheme, TableCell


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


def failed_checks(store) -> list[dict]:
    """Every failed arithmetic check with its report and detail, by agency and year."""
    query = (select(Document.id, Document.agency, Document.year, Document.title, Document.uri,
                    CheckRow.rule, CheckRow.detail)
             .join(CheckRow, CheckRow.document_id == Document.id)
             .where(CheckRow.ok.is_(False)).order_by(Document.agency, Document.year, CheckRow.id))
    with store.session() as session:
        return [{"document_id": r.id, "agency": r.agency, "year": r.year, "title": r.title,
                 "rule": r.rule, "detail": r.detail, "url": r.uri}
                for r in session.execute(query)]


def _request_totals(store, doc_ids: list[int]) -> dict[int, float]:
    query = select(TableCell.document_id, TableCell.value).where(
        TableCell.document_id.in_(doc_ids), TableCell.table_name == "requests",
        TableCell.row_key == "new_received", TableCell.col_key == "total")
    with store.session() as session:
        return {d: v for d, v in session.execute(query)}


def history(store, agency: str) -> list[dict]:
    """The reports of agencies whose name contains `agency`, by year: status, counts,
    problem themes, failed checks and new requests received."""
    query = (select(Document).where(Document.agency.contains(agency, autoescape=True))
             .order_by(Document.agency, Document.year, Document.id))
    with store.session() as session:
        docs = list(session.scalars(query))
    totals = _request_totals(store, [d.id for d in docs])
    rows = []
    for doc in docs:
        record = doc.record or {}
        statements = record.get("statements") or []
        problems = [s for s in statements if s["type"] == "problem"]
        themes = Counter(t for s in problems for t in s.get("themes") or [])
        rows.append({"document_id": doc.id, "agency": doc.agency, "year": doc.year,
                     "title": doc.title, "status": doc.status, "template": doc.template,
                     "report_date": doc.report_date, "problems": len(problems),
                     "improvements": sum(s["type"] == "improvement" for s in statements),
                     "themes": ";".join(t for t, _ in themes.most_common()),
                     "checks_failed": ";".join(c["rule"] for c in record.get("checks") or []
                                               if not c["ok"]),
                     "new_requests": totals.get(doc.id), "url": doc.uri})
    return rows


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
    """Every check, passed or failed, with its report."""
    query = (select(Document.id, Document.agency, Document.year, Document.uri, CheckRow.rule,
                    CheckRow.ok, CheckRow.detail)
             .join(CheckRow, CheckRow.document_id == Document.id)
             .order_by(Document.agency, Document.year, CheckRow.id))
    with store.session() as session:
        return [{"document_id": r.id, "agency": r.agency, "year": r.year, "rule": r.rule,
                 "ok": r.ok, "detail": r.detail, "url": r.uri} for r in session.execute(query)]
