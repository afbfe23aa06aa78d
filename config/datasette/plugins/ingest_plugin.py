"""Datasette plugin for `ingest serve`: search SQL functions and the analyst's pages.

- `ingest_match(q)`: the FTS5 MATCH expression for a user query, segmented like the index;
- `ingest_snippet(text, q)`: a snippet of the original text with the matches marked;
- cells of a `snippet` column render its <mark> tags (everything else escaped);
- `/` (the questions first), `/-/report/ID`, `/-/agency/KEY`, `/-/themes` (theme × year
  heatmap), `/-/checks`: pages built by `ingest.web` (no scripts, no CDN).
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


def _page(path: str, build):
    """Run `build(store)` on a read-only store of the served file."""
    from ingest.store import Store
    from ingest.store.db import readonly_engine

    store = Store(readonly_engine(path))
    try:
        return build(store)
    finally:
        store.close()


def _database(datasette):
    return next(d for name, d in datasette.databases.items() if not name.startswith("_"))


async def _respond(datasette, request, title: str | None, body: str | None, status: int = 200):
    if body is None:
        title, body, status = "Not found", "<h1>Not found</h1>", 404
    html = await datasette.render_template(
        "ingest_page.html", {"page_title": title, "body": Markup(body)}, request=request)
    return Response.html(html, status=status)


async def landing_page(datasette, request):
    from ingest import web

    db = _database(datasette)
    body = await asyncio.to_thread(_page, db.path, lambda s: web.landing(s, db.name))
    return await _respond(datasette, request, "政府信息公开年度报告", body)


async def report_page(datasette, request):
    from ingest import web

    found = await asyncio.to_thread(_page, _database(datasette).path,
                                    lambda s: web.report_page(s, int(request.url_vars["id"])))
    return await _respond(datasette, request, *(found or (None, None)))


async def agency_page(datasette, request):
    from urllib.parse import unquote

    from ingest import web

    key = unquote(request.url_vars["key"])
    found = await asyncio.to_thread(_page, _database(datasette).path,
                                    lambda s: web.agency_page(s, key))
    return await _respond(datasette, request, *(found or (None, None)))


async def agency_search_page(datasette, request):
    from ingest import web

    query = request.args.get("q") or ""
    body = await asyncio.to_thread(_page, _database(datasette).path,
                                   lambda s: web.agency_search(s, query))
    return await _respond(datasette, request, "Agencies", body)


async def themes_page(datasette, request):
    from ingest import web

    body = await asyncio.to_thread(_page, _database(datasette).path, web.themes_page)
    return await _respond(datasette, request, "Theme trends", body)


async def checks_page(datasette, request):
    from ingest import web

    body = await asyncio.to_thread(_page, _database(datasette).path, web.checks_page)
    return await _respond(datasette, request, "Failed checks", body)


@hookimpl
def register_routes():
    return [(r"^/$", landing_page), (r"^/-/report/(?P<id>\d+)$", report_page),
            (r"^/-/agency$", agency_search_page), (r"^/-/agency/(?P<key>[^/]+)$", agency_page), (r"^/-/themes$", themes_page),
            (r"^/-/checks$", checks_page)]
