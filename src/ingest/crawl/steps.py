"""The nightly run's steps after crawling, as plain functions the flows call:

    ensure_indexed(store)      index any stored report the search index lacks
    theme_rows(store)          problem-theme shares per year, with trends (analysis)
    summary_rows / summary_markdown   one run's figures for the Prefect artifacts and the CLI
"""
from __future__ import annotations

from sqlalchemy import select

from ..search.index import index_document
from ..store.models import Document, SearchDoc

FIGURES = ("requests", "fetched", "due", "skipped_fresh", "not_modified", "changed", "new",
           "parsed", "unchanged", "gone", "seconds")


def ensure_indexed(store) -> int:
    """Index every ok document without search rows; return how many were indexed."""
    indexed_ids = select(SearchDoc.document_id).distinct()
    with store.session.begin() as session:
        missing = list(session.scalars(select(Document.id).where(
            Document.status == "ok", Document.id.not_in(indexed_ids))))
        for doc_id in missing:
            index_document(session, doc_id)
    return len(missing)


def theme_rows(store) -> list[dict]:
    from ..analysis import theme_trends

    return theme_trends(store)


def summary_rows(crawls: list[dict]) -> list[dict]:
    """One row per source: its figures and URL status counts."""
    statuses = sorted({s for c in crawls for s in c["statuses"]})
    return [{"source": c["source"], **{k: c.get(k, 0) for k in FIGURES},
             **{s: c["statuses"].get(s, 0) for s in statuses},
             "alarm": c.get("alarm") or ""} for c in crawls]


def summary_markdown(crawls: list[dict], indexed: int, themes: list[dict]) -> str:
    """The run summary as Markdown: figures per source, problems with reasons, themes."""
    lines = ["# Nightly crawl", ""]
    rows = summary_rows(crawls)
    if rows:
        keys = list(rows[0])
        lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    alarms = [c for c in crawls if c.get("alarm")]
    lines += ["", f"## Layout alarms ({len(alarms)})", ""]
    lines += [f"- **{c['source']}**: {c['alarm']}" for c in alarms]
    problems = [p for c in crawls for p in c["problems"]]
    lines += ["", f"Newly indexed documents: {indexed}", "", f"## Problems ({len(problems)})", ""]
    lines += [f"- `{p['status']}` {p['url']} — {p['reason']}" for p in problems[:200]]
    if themes:
        lines += ["", "## Problem themes", ""]
        lines += [f"- {t['name']}: {t['statements']} statements, trend {t['trend_pp']} pp/year"
                  for t in themes[:15]]
    return "\n".join(lines) + "\n"
