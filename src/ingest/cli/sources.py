"""`ingest sources status` (each source's last run: report links, alarms, URLs gone) and
`ingest sources discover URL...` (find an agency's 政府信息公开年报 column from its home page
and write a source entry for it; crawl/discover.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

out = LazyConsole()
err = LazyConsole(stderr=True)

STATUS_FIELDS = ("source", "started_at", "complete", "report_links", "listings_ok",
                 "listings_failed", "urls", "gone", "failed", "script_drawn", "alarm")


def status_rows(store) -> list[dict]:
    """The latest run of every source that has run, with its URL counts."""
    from ..crawl.state import last_runs, url_counts

    counts = url_counts(store)
    return [{**{k: run.get(k) for k in STATUS_FIELDS if k in run},
             **counts.get(run["source"], {"urls": 0, "gone": 0, "failed": 0}),
             "script_drawn": (run.get("figures") or {}).get("script_drawn")}
            for run in last_runs(store)]


def register(app: typer.Typer) -> None:
    sources = typer.Typer(help="The portals crawled: their state, and finding new ones.",
                          no_args_is_help=True)
    app.add_typer(sources, name="sources")

    @sources.command("status")
    def status(
        db: Optional[str] = typer.Option(None, "--db", help="Store URL (default output/ingest.db)."),
        as_json: bool = typer.Option(False, "--json", help="One JSON array on stdout."),
        as_jsonl: bool = typer.Option(False, "--jsonl", help="JSON Lines: one row a line."),
        alarms: bool = typer.Option(False, "--alarms", help="Only sources with a layout alarm."),
    ) -> None:
        """Each source's last run: report links found, listings, URLs gone, layout alarm."""
        from ..errors import IngestError
        from ..store import open_store
        from .crawl import print_rows

        try:
            with open_store(db) as store:
                rows = status_rows(store)
        except IngestError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        if alarms:
            rows = [r for r in rows if r["alarm"]]
        if print_rows(rows, as_json, as_jsonl):
            return
        from rich.table import Table

        table = Table(title=f"{len(rows)} sources ({sum(bool(r['alarm']) for r in rows)} "
                            "with a layout alarm)")
        for column in STATUS_FIELDS:
            table.add_column(column, overflow="fold")
        for row in rows:
            cells = [f"{row[k]:%Y-%m-%d %H:%M}" if k == "started_at" and row[k] else
                     str(row[k] if row[k] is not None else "") for k in STATUS_FIELDS]
            table.add_row(*cells, style="red" if row["alarm"] else None)
        out.print(table)

    @sources.command("discover")
    def discover(
        urls: list[str] = typer.Argument(..., help="Agency home page URL(s)."),
        write: Optional[Path] = typer.Option(None, "--write", help="Append the entries found "
                                             "to this sources file (e.g. config/sources.yaml)."),
        allow_private: bool = typer.Option(False, "--allow-private",
                                           help="Allow loopback/private addresses (tests, mirrors)."),
        config: Optional[Path] = typer.Option(None, "--config", help="Sources file whose "
                                              "defaults (politeness) discovery uses."),
    ) -> None:
        """Find each home page's 政府信息公开年报 column (1-3 clicks deep) and print a
        reviewed-ready source entry (YAML), or say clearly that there is none."""
        from ..crawl.discover import discover_all, entries_yaml, write_entries
        from ..crawl.sources import load_sources
        from ..errors import IngestError

        try:
            loaded = load_sources(config)
            results = discover_all(urls, loaded.defaults, loaded.discover,
                                   allow_private=allow_private)
            found = [r for r in results if r.entry]
            for r in results:
                err.print(r.message, markup=False, highlight=False)
            if found and write:
                write_entries(write, [r.entry for r in found])
                err.print(f"wrote {len(found)} source entries to {write}", markup=False)
            elif found:
                print(entries_yaml([r.entry for r in found]), end="")
        except IngestError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        if len(found) < len(results):
            raise typer.Exit(1)
