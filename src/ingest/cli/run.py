"""`ingest run`: ingest local files through the Prefect flow, or crawl portals now.

    ingest run --path PATH... [--db URL] [--jobs N]
    ingest run --start-url URL... [--config FILE] [--db URL] [--jobs N] [--allow-private]
    ingest run [--config FILE]              crawl every source of config/sources.yaml
    ingest run ... --revalidate all         ask every known URL again (default: only when due)

Crawling runs in this process (no Prefect start-up), every source at once: Rich progress
while it runs, a summary table at the end (alarms and problems listed); `ingest schedule` runs the same crawl nightly under Prefect.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

err = LazyConsole(stderr=True)
out = LazyConsole()


def load_flow(module: str, name: str, temporary_server: bool = True):
    """A flow object from the repository's flows/ folder (Prefect imported only here).
    `temporary_server`: the flow will run on the temporary server Prefect starts for this
    process (unless PREFECT_API_URL names one)."""
    from ..settings import PROJECT_ROOT

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not (PROJECT_ROOT / "flows").is_dir():
        err.print(f"no flows/ folder next to the package ({PROJECT_ROOT}); run from a checkout")
        raise typer.Exit(2)
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    if temporary_server and not os.environ.get("PREFECT_API_URL"):
        quiet_temporary_server()
    import importlib

    return getattr(importlib.import_module(f"flows.{module}"), name)


def quiet_temporary_server() -> None:
    """The temporary Prefect server (a child process) is stopped while its event recorder may
    still be flushing task-run events (UI history only, not our store), and it logs each
    cancelled write with a traceback: keep its log to critical messages unless the user set
    a level. A real Prefect server (PREFECT_API_URL) keeps its own logging."""
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")


def _counts_table(title: str, counts: dict, extra: dict):
    from rich.table import Table

    table = Table(title=title)
    table.add_column("", style="bold")
    table.add_column("count", justify="right")
    for key, value in {**counts, **extra}.items():
        table.add_row(str(key), str(value))
    return table


def _problems_table(problems: list[dict], key: str):
    from rich.table import Table

    table = Table(title=f"Not stored as reports ({len(problems)})", show_lines=False)
    for column in (key, "status", "reason"):
        table.add_column(column, overflow="fold")
    for p in problems:
        table.add_row(p[key], p["status"], p["reason"])
    return table


def run_paths(paths: list[Path], db: str | None, jobs: int) -> None:
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"no such file or folder: {missing[0]}", markup=False, highlight=False)
        raise typer.Exit(2)
    with err.status("ingesting through the Prefect flow (starting Prefect)…"):
        flow = load_flow("ingest_paths", "ingest_paths_flow")
        summary = flow(paths=[str(p) for p in paths], db=db, jobs=jobs)
    out.print(_counts_table("Ingested", summary["counts"], {"parsed": summary["parsed"]}))
    if summary["problems"]:
        out.print(_problems_table(summary["problems"], "uri"))


def run_crawl(start_urls: list[str], config: Path | None, db: str | None, jobs: int,
              allow_private: bool, revalidate: str = "due", as_json: bool = False) -> None:
    import asyncio

    from ..crawl.crawler import crawl_many
    from ..crawl.sources import plan_sources
    from ..ingest import Ingestor
    from ..store import open_store

    sources = plan_sources(config, start_urls, allow_private)
    if not sources:
        err.print("nothing to crawl: no --start-url and no sources in the config")
        raise typer.Exit(2)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                        TextColumn("fetched {task.fields[fetched]}  parsing {task.fields[parsing]}"
                                   "  done {task.completed:.0f}"), TimeElapsedColumn(),
                        console=err.get(), transient=True, refresh_per_second=4)

    # a line per source; past PROGRESS_LINES sources, one line for them all
    shared = (progress.add_task(f"{len(sources)} sources", total=None, fetched=0, parsing=0)
              if len(sources) > PROGRESS_LINES else None)
    totals = {"fetch": 0, "parse": 0, "done": 0}

    def on_event_for(source):
        bar = shared if shared is not None else progress.add_task(
            source.name, total=None, fetched=0, parsing=0)
        counts = totals if shared is not None else {"fetch": 0, "parse": 0, "done": 0}

        def on_event(event: str, _url: str, _status: str | None) -> None:
            counts[event] += 1
            progress.update(bar, completed=counts["done"], fetched=counts["fetch"],
                            parsing=max(0, counts["parse"]))
        return on_event

    with open_store(db) as store, Ingestor(store, jobs) as ingestor, progress:
        summaries = asyncio.run(crawl_many(sources, store, ingestor, on_event=on_event_for,
                                           revalidate_all=revalidate == "all"))
    if as_json:
        import json

        print(json.dumps([s.as_dict() for s in summaries], ensure_ascii=False, indent=1))
        return
    print_crawls([s.as_dict() for s in summaries])


PROGRESS_LINES = 8  # sources shown with a progress line each

RUN_FIGURES = ("requests", "fetched", "due", "skipped_fresh", "not_modified", "changed", "new",
               "parsed", "unchanged", "gone", "seconds")


def print_crawls(crawls: list[dict]) -> None:
    """One table per source (many sources: one table of them all), then alarms, problems."""
    if len(crawls) > 3:
        from ..crawl.steps import summary_rows
        from rich.table import Table

        rows = summary_rows(crawls)
        table = Table(title=f"Crawl of {len(crawls)} sources")
        for key in rows[0]:
            table.add_column(key, justify="left" if key == "source" else "right")
        for row in rows:
            table.add_row(*(str(v) for v in row.values()))
        out.print(table)
    for c in crawls:
        if len(crawls) <= 3:
            out.print(_counts_table(f"Crawl of {c['source']}", c["statuses"],
                                    {k: c[k] for k in RUN_FIGURES}))
        if c["stopped"]:
            out.print(f"{c['source']}: stopped early: {c['stopped']}", markup=False)
        if c["alarm"]:
            out.print(f"ALARM {c['source']}: {c['alarm']}", markup=False, style="bold red")
        if c["script_drawn"]:
            out.print(f"{c['source']}: the listing is drawn by script ({c['script_drawn']}); "
                      "only its static part was crawled unless the source names a list_api",
                      markup=False)
        if c["problems"] and len(crawls) <= 3:
            out.print(_problems_table(c["problems"], "url"))


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        path: list[Path] = typer.Option(None, "--path", help="Local report files or folders."),
        start_url: list[str] = typer.Option(None, "--start-url", help="Crawl from this URL now."),
        config: Optional[Path] = typer.Option(None, "--config", help="Sources file "
                                              "(default config/sources.yaml)."),
        db: Optional[str] = typer.Option(None, "--db", help="Store URL (default output/ingest.db)."),
        jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Parse in N processes."),
        allow_private: bool = typer.Option(False, "--allow-private",
                                           help="Allow loopback/private addresses (tests, mirrors)."),
        revalidate: str = typer.Option("due", "--revalidate",
                                       help="due: known files only when due (sources.yaml "
                                            "revisit); all: ask every known URL again."),
        as_json: bool = typer.Option(False, "--json", help="Crawl: print the run summary of "
                                     "every source as one JSON array."),
    ) -> None:
        """Ingest local files (--path, via the Prefect flow) or crawl portals now."""
        from ..errors import IngestError

        try:
            if path:
                run_paths(path, db, jobs)
            else:
                if revalidate not in ("due", "all"):
                    err.print(f"--revalidate must be due or all, not {revalidate}")
                    raise typer.Exit(2)
                run_crawl(start_url or [], config, db, jobs, allow_private, revalidate, as_json)
        except IngestError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
