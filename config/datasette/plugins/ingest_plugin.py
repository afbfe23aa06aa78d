"""Datasette plugin for `ingest serve`: search SQL functions and the theme trends page.

- `ingest_match(q)`: the FTS5 MATCH expression for a user query, segmented like the index;
- `ingest_snippet(text, q)`: a snippet of the original text with the matches marked;
- cells of a `snippet` column render its <mark> tags (everything else escaped);
- `/-/themes`: problem-theme trends as an inline SVG chart (no scripts, no CDN).
"""
from __future__ import annotations

import asyncio
from html import escape

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from ingest.search.query import MARK_CLOSE, MARK_OPEN, fts5_match, snippet
from ingest.search.segment import query_terms

def ingest_match(query: str | None) -> str:
    terms = query_terms(query or "")
    return fts5_match(terms) if terms.required else '""'


def ingest_snippet(text: str | None, query: str | None) -> str:
    return snippet(text or "", query_terms(query or ""))


@hookimpl
def prepare_connection(conn):
    conn.create_function("ingest_match", 1, ingest_match, deterministic=True)
    conn.create_function("ingest_snippet", 2, ingest_snippet, deterministic=True)


@hookimpl
def render_cell(value, column):
    if column != "snippet" or not isinstance(value, str):
        return None
    html = escape(value)
    for mark in (MARK_OPEN, MARK_CLOSE):
        html = html.replace(escape(mark), mark)
    return Markup(html)


def _trends_html(path: str) -> tuple[str, list[dict]]:
    from ingest.analysis import theme_trends
    from ingest.report_html import line_chart, trend_series
    from ingest.store import Store
    from ingest.store.db import readonly_engine

    store = Store(readonly_engine(path))
    try:
        trends = theme_trends(store)
    finally:
        store.close()
    return line_chart(trend_series(trends), "share of reports mentioning each theme"), trends


async def themes_page(datasette, request):
    db = next(d for name, d in datasette.databases.items() if not name.startswith("_"))
    svg, trends = await asyncio.to_thread(_trends_html, db.path)
    html = await datasette.render_template(
        "ingest_themes.html", {"svg": Markup(svg), "trends": trends, "database": db.name},
        request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/themes$", themes_page)]
