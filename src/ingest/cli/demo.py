"""`ingest demo`: the main job on the embedded defaults, for a fresh machine.

Serves the bundled sample portal (examples/portal, built by the corpus generator when
absent) on 127.0.0.1, crawls it through the nightly Prefect flow into the default SQLite
store, prints a summary and writes output/report.html.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

out = LazyConsole()
err = LazyConsole(stderr=True)


def ensure_portal(portal: Path) -> str:
    """The portal's start path, building the site first when it is missing."""
    manifest = portal.with_name(portal.name + "-manifest.json")
    if not (portal.is_dir() and manifest.exists()):
        from ..corpus.portal import build_portal

        with err.status(f"building the sample portal in {portal}…"):
            build_portal(portal)
    return json.loads(manifest.read_text(encoding="utf-8"))["start"]


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        db: Optional[str] = typer.Option(None, "--db", help="Store URL (default output/ingest.db)."),
        jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Parse in N processes."),
        portal: Optional[Path] = typer.Option(None, "--portal", help="Static portal folder."),
    ) -> None:
        """Crawl the bundled sample portal into the store through the nightly flow; summary + report."""
        from ..corpus.serve import serve
        from ..report_html import write_report
        from ..settings import PROJECT_ROOT, output_dir
        from ..store import open_store
        from .run import _counts_table, _problems_table, load_flow

        portal = portal or PROJECT_ROOT / "examples" / "portal"
        start = ensure_portal(portal)
        output_dir().mkdir(parents=True, exist_ok=True)
        nightly = load_flow("nightly", "nightly")
        with serve(portal) as base:
            url = f"{base.rstrip('/')}/{start}"
            err.print(f"sample portal at {url} — crawling it through the nightly flow (local Prefect)")
            result = nightly(start_urls=[url], db=db, jobs=jobs, allow_private=True)
        for crawl in result["crawls"]:
            out.print(_counts_table("Crawl of the sample portal", crawl["statuses"],
                                    {k: crawl[k] for k in ("requests", "fetched", "not_modified",
                                                           "parsed", "unchanged", "seconds")}))
            if crawl["problems"]:
                out.print(_problems_table(crawl["problems"], "url"))
        with open_store(db) as store:
            report = write_report(store)
            documents = store.documents(status="ok")
        out.print(f"{len(documents)} reports in the store; report written to {report}")
