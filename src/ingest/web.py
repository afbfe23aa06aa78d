"""The analyst's pages of `ingest serve` (HTML fragments; the Datasette plugin wraps them).

- `landing(store, db)`: the questions first — search, themes by year, failed checks, an
  agency's series — with the figures that answer them at a glance;
- `report_page(store, id)`: one report shown as a report: meta and source, its tables laid out
  like the printed forms (the generator's grids), statements with themes, checks with evidence
  and verdicts;
- `agency_page(store, key)`: an agency key's series: names, volumes chart, failed checks,
  problem themes per year with recurring ones marked;
- `agency_search(store, q)`: the agency keys a name or part of one matches;
- `themes_page(store)`: theme × year heatmap (share of each year's reports);
- `checks_page(store)`: every failed check with its verdict.
"""
from __future__ import annotations

import random
from html import escape
from urllib.parse import quote

from sqlalchemy import func, select

from . import analysis, series
from .agencies import level_label
from .corpus.numbers import (RESULT_ROWS_2019, RESULT_ROWS_2021, Printer, proactive_grid,
                             requests_grid, review_grid)
from .report_html import heatmap, line_chart
from .store.models import Document, DocumentSource

REQUEST_SUMMARY = ("new_received", "carried_over", "results_total", "carried_forward")
MARK = "\x00"


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _table(rows: list[dict], columns: list[tuple[str, str]], cls: str = "rows-and-columns") -> str:
    """rows as a <table>; a column is (key, header); values are already HTML where the key
    ends in `_html`."""
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(f"<th>{_e(h)}</th>" for _, h in columns)
    body = "".join("<tr>" + "".join(
        f'<td class="col-{k}">{r.get(k) if k.endswith("_html") else _e(r.get(k))}</td>'
        for k, _ in columns) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _num(value) -> str:
    return _e(f"{value:g}" if isinstance(value, (int, float)) else value)


def agency_link(key: str | None, text: str | None = None) -> str:
    return f'<a href="/-/agency/{quote(key)}">{_e(text or key)}</a>' if key else _e(text)


def report_link(doc_id: int, text) -> str:
    return f'<a href="/-/report/{doc_id}">{_e(text)}</a>'


def _ok(ok) -> str:
    return {True: '<span class="ok">✓</span>', False: '<span class="fail">✗</span>'}.get(
        ok, '<span class="uncertain">?</span>')


# ---- landing -----------------------------------------------------------------------------
def landing(store, db: str) -> str:
    with store.session() as session:
        reports = session.scalar(select(func.count()).where(Document.status == "ok")) or 0
        keys = session.scalar(select(func.count(func.distinct(Document.agency_key)))
                              .where(Document.status == "ok")) or 0
        years = session.execute(select(func.min(Document.year), func.max(Document.year))
                                .where(Document.status == "ok")).one()
    failed = analysis.failed_checks(store)
    open_ = [r for r in failed if r["verdict"] is None]
    series_rows = [a for a in analysis.agencies(store) if "," in a["years"]]
    pivot, year_cols = analysis.themes_pivot(store)
    top = pivot[:5]
    agencies_html = _table(
        [{**a, "key_html": agency_link(a["agency_key"]), "level": level_label(a["level"] or "")}
         for a in series_rows[:12]],
        [("key_html", "agency"), ("level", "level"), ("years", "years"), ("names", "names seen")])
    checks_html = _table(
        [{**r, "report_html": report_link(r["document_id"], f"{r['agency']} {r['year']}")}
         for r in open_[:8]],
        [("report_html", "report"), ("rule", "rule"), ("detail", "detail")])
    return "".join([
        f'<h1>政府信息公开工作年度报告 · analyst view</h1><p class="muted">{reports} reports of '
        f'{keys} agencies, {_e(years[0])}–{_e(years[1])}. '
        f'<a href="/{quote(db)}">All tables</a></p>',
        '<section id="q-search"><h2>What do the reports say about…?</h2>',
        f'<form action="/{quote(db)}/search" method="get"><input type="search" name="q" '
        'placeholder="e.g. 新媒体, 依申请公开" size="40"><input type="hidden" name="year" value="">'
        '<input type="hidden" name="agency" value=""><input type="hidden" name="type" value="">'
        ' <input type="submit" value="Search"></form></section>',
        '<section id="q-themes"><h2>Which problems do agencies report, year by year?</h2>',
        heatmap(top, year_cols, "top themes, share of each year's reports"),
        '<p><a href="/-/themes">Theme trends chart</a> (every theme, theme × year)</p></section>',
        f'<section id="q-checks"><h2>Whose numbers do not add up?</h2><p>{len(failed)} failed '
        f'checks, {len(open_)} without a verdict. <a href="/-/checks">All failed checks</a></p>',
        checks_html, '</section>',
        '<section id="q-agencies"><h2>How did one agency change over the years?</h2>',
        '<form action="/-/agency" method="get"><input type="search" name="q" size="30" '
        'placeholder="agency name or part of it"> <input type="submit" value="Find"></form>',
        agencies_html, '</section>'])


def agency_search(store, query: str) -> str:
    """The agency keys whose key or a printed name contains `query`, each linked."""
    keys = set(series.agency_keys(store, query)) if query.strip() else set()
    rows = [{**a, "key_html": agency_link(a["agency_key"]), "level": level_label(a["level"] or "")}
            for a in analysis.agencies(store) if a["agency_key"] in keys]
    return (f"<h1>Agencies matching “{_e(query)}”</h1>"
            + _table(rows, [("key_html", "agency"), ("level", "level"), ("years", "years"),
                            ("names", "names seen")], "rows-and-columns agencies"))


# ---- one report ---------------------------------------------------------------------------
class _Tags(Printer):
    """A printer that prints each cell as a tag naming it, filled in afterwards."""

    def count(self, value):  # noqa: D102 - value is the tag
        return value

    amount = count


def _tagged(table_name: str, rows) -> dict:
    class Row(dict):
        def __init__(self, row):
            super().__init__()
            self.row = row

        def __missing__(self, col):
            return f"{MARK}{table_name}|{self.row}|{col}{MARK}"

    out = {r: Row(r) for r in rows}
    for row in out.values():  # requests_grid and review_grid list every column of a row
        for col in ("natural_person", "commercial", "research", "social_welfare",
                    "legal_service", "other_org", "total", "upheld", "corrected", "other",
                    "pending"):
            row[col] = row[col]
    return out


def _grid(table_name: str, template: str):
    if table_name == "requests":
        result_rows = RESULT_ROWS_2021 if template == "2021" else RESULT_ROWS_2019
        keys = ["new_received", "carried_over", *[r[0] for r in result_rows], "results_total",
                "carried_forward"]
        return requests_grid(_tagged("requests", keys), template, _Tags())[0]
    if table_name == "review_litigation":
        return review_grid(_tagged(table_name, ("review", "litigation_direct",
                                                "litigation_after_review")), _Tags())[0]
    rows = ("rules", "normative_documents", "licensing", "other_services", "punishment",
            "coercion", "fees", "procurement")
    return proactive_grid(_tagged(table_name, rows), template, _Tags(), random.Random(0))[0]


def printed_table(record: dict, table_name: str, flagged: set[str] = frozenset()) -> str:
    """The record's table laid out like the printed form, each cell its printed text (or its
    value); a cell the parser did not find is empty, a flagged one (a failed check) marked."""
    values = (record.get("tables") or {}).get(table_name)
    if not values:
        return '<p class="muted">not in this report</p>'
    template = (record.get("meta") or {}).get("template") or "2021"
    template = template if template in ("2021", "2019") else "2021"
    printed = (record.get("cell_text") or {}).get(table_name) or {}
    grid = _grid(table_name, template)
    rows: dict[int, list] = {}
    for cell in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        rows.setdefault(cell.row, []).append(cell)
    out = [f'<table class="printed" data-table="{table_name}">']
    for r in sorted(rows):
        out.append("<tr>")
        for cell in rows[r]:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                   (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            if cell.text.startswith(MARK):
                _, row, col = cell.text.strip(MARK).split("|")
                value = values.get(row, {}).get(col)
                text = printed.get(row, {}).get(col)
                text = text if text is not None else ("" if value is None else f"{value:g}")
                ref = f"{table_name}.{row}.{col}"
                cls = "num flag" if ref in flagged else "num"
                out.append(f'<td class="{cls}" data-cell="{ref}"{span}>{_e(text)}</td>')
            else:
                out.append(f"<th{span}>{_e(cell.text)}</th>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _evidence(row: dict) -> str:
    evidence = row.get("evidence") or {}
    if "claims" in evidence:
        return "<ul>" + "".join(
            f'<li>{_ok(c["ok"])} “{_e(c["sentence"])}” states {_num(c["stated"])}; '
            + ", ".join(f'<code>{_e(x["cell"])}</code> = {_num(x["value"])}' for x in c["cells"])
            + (f' <span class="muted">(scope: {_e(c["scope"])})</span>' if c["scope"] != "own" else "")
            + "</li>" for c in evidence["claims"]) + "</ul>"
    if "previous" in evidence:
        prev, cur = evidence["previous"], evidence["current"]
        values = evidence.get("values")
        pairs = values.items() if isinstance(values, dict) else [("new_received", values)]
        pairs = [(k, v) for k, v in pairs if v[0] != v[1]] or list(pairs)[-1:]
        return (f'{report_link(prev["document_id"], prev["year"])} → '
                f'{report_link(cur["document_id"], cur["year"])}: '
                + ", ".join(f"{_e(k)} {_num(a)} → {_num(b)}" for k, (a, b) in pairs))
    return ""


def checks_table(rows: list[dict], with_report: bool = False) -> str:
    shown = [{**r, "ok_html": _ok(r["ok"]), "evidence_html": _evidence(r),
              "report_html": report_link(r["document_id"], f"{r['agency']} {r['year']}"),
              "verdict_html": (f'<span class="verdict-{_e(r["verdict"])}">{_e(r["verdict"])}</span> '
                               f'{_e(r["note"])}' if r.get("verdict") else
                               f'<code class="muted">ingest checks verdict {r["id"]} confirm|dismiss</code>'
                               if r["ok"] is False else "")}
             for r in rows]
    columns = [("report_html", "report")] if with_report else []
    columns += [("id", "id"), ("rule", "rule"), ("ok_html", "ok"), ("scope", "scope"),
                ("detail", "detail"), ("evidence_html", "evidence"), ("verdict_html", "verdict")]
    return _table(shown, columns, "rows-and-columns checks")


def report_page(store, doc_id: int) -> tuple[str, str] | None:
    with store.session() as session:
        doc = session.get(Document, doc_id)
        if doc is None or doc.record is None:
            return None
        sources = list(session.scalars(select(DocumentSource.uri)
                                       .where(DocumentSource.document_id == doc_id)))
    record = doc.record
    checks = [r for r in analysis.all_checks(store) if r["document_id"] == doc_id]
    flagged = {x["cell"] for r in checks if r["ok"] is False
               for c in (r.get("evidence") or {}).get("claims", []) if c["ok"] is False
               for x in c["cells"]}
    names = analysis.theme_names()
    meta = [("title", _e(doc.title)), ("agency", _e(doc.agency)),
            ("agency key", agency_link(doc.agency_key)), ("level", _e(level_label(doc.level or ""))),
            ("year", _e(doc.year)), ("template", _e(doc.template)),
            ("report date", _e(doc.report_date)),
            ("source", " ".join(f'<a class="source" href="{_e(u)}">{_e(u)}</a>'
                                if u.startswith(("http://", "https://")) else _e(u) for u in sources)),
            ("pages", _e(record["source"].get("pages"))), ("sha256", f"<code>{doc.sha256}</code>")]
    statements = [{"type": s["type"], "text": s["text"], "section": s["section"],
                   "themes_html": " ".join(f'<span class="theme">{_e(names.get(t, t))}</span>'
                                           for t in s.get("themes") or [])}
                  for s in record.get("statements") or []]
    body = "".join([
        f'<h1>{_e(doc.title or doc.uri)}</h1>',
        '<table class="meta">' + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in meta)
        + "</table>",
        '<h2>二、主动公开政府信息情况</h2>', printed_table(record, "proactive", flagged),
        '<h2>三、收到和处理政府信息公开申请情况</h2>', printed_table(record, "requests", flagged),
        '<h2>四、政府信息公开行政复议、行政诉讼情况</h2>',
        printed_table(record, "review_litigation", flagged),
        '<h2>存在的主要问题及改进情况 · statements</h2>',
        _table(statements, [("type", "type"), ("text", "statement"), ("themes_html", "themes")],
               "rows-and-columns statements"),
        '<h2>Checks</h2>', checks_table(checks)])
    return doc.title or doc.uri, body


# ---- one agency ----------------------------------------------------------------------------
def agency_page(store, key: str) -> tuple[str, str] | None:
    rows = [r for r in series.history(store, key) if r["agency_key"] == key]
    if not rows:
        return None
    with store.session() as session:
        records = [{"year": y, "record": rec} for y, rec in session.execute(
            select(Document.year, Document.record).where(Document.agency_key == key,
                                                         Document.status == "ok"))]
    recurring = series.recurring(records)
    names = analysis.theme_names()
    years = sorted({r["year"] for r in rows if r["year"] is not None})
    volumes = {label: [(r["year"], r[row] or 0) for r in rows if r["year"] is not None
                       and r[row] is not None]
               for row, label in (("new_received", "新收 new"), ("results_total", "办结 handled"),
                                  ("carried_forward", "结转 carried forward"))}
    theme_rows = [{"theme": t, "name": names.get(t, t) + (" ↻" if info["recurring"] else ""),
                   **{str(y): (1.0 if y in info["years"] else 0.0) for y in years},
                   "recurring": info["recurring"]} for t, info in recurring.items()]
    failed = analysis.failed_checks(store, keys=[key])
    table_rows = [{**r, "year_html": report_link(r["document_id"], r["year"])} for r in rows]
    level = level_label(rows[0]["level"] or "")
    body = "".join([
        f'<h1>{_e(key)}</h1><p class="muted">{_e(level)} · names seen: '
        f'{_e("；".join(sorted({r["agency"] for r in rows})))}</p>',
        '<h2>依申请公开 Request volumes by year</h2><div id="volume-chart">',
        line_chart({k: v for k, v in volumes.items() if v}, "requests per year", percent=False),
        '</div>',
        _table(table_rows, [("year_html", "year"), ("agency", "name printed"),
                            ("new_received", "新收"), ("carried_over", "上年结转"),
                            ("results_total", "办结"), ("carried_forward", "结转下年度"),
                            ("checks_failed", "failed checks"),
                            ("problem_themes", "problem themes (* again)"),
                            ("after_fix", "again after last year's fix")],
               "rows-and-columns series"),
        '<h2>Problem themes by year</h2><div id="agency-themes">',
        heatmap(theme_rows, [str(y) for y in years], "themes reported as problems (↻ recurring)",
                percent=False),
        '</div><h2>Failed checks</h2>', checks_table(failed, with_report=True)])
    return key, body


# ---- themes and checks ---------------------------------------------------------------------
def themes_page(store) -> str:
    pivot, years = analysis.themes_pivot(store)
    return ('<h1>问题主题趋势 Theme trends</h1><p>Share of each year\'s reports whose problem '
            'statements mention a theme (darker: more reports).</p><div id="theme-chart">'
            + heatmap(pivot, years, "theme × year, share of reports") + "</div>")


def checks_page(store) -> str:
    failed = analysis.failed_checks(store)
    return (f'<h1>Failed checks</h1><p>{len(failed)} failed: the report\'s own arithmetic, its '
            'prose against its tables (text_table), and the year before (carry_over, '
            'request_jump).</p>' + checks_table(failed, with_report=True))

