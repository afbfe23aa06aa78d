"""`ingest export | search | themes | checks | history | serve`: what analysts and search
teams get out of a store. Tables print with Rich; `--json` and `--csv` give the same rows."""
from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

out = LazyConsole()
err = LazyConsole(stderr=True, soft_wrap=True)
DB_HELP = "Store URL (sqlite:///path.db, postgresql+psycopg://...) or SQLite path; default output/ingest.db or $INGEST_DB."


@contextmanager
def opened(db: str | None):
    """The store at `db`; any IngestError or bad URL becomes a one-line error and exit 2."""
    from ..errors import IngestError
    from ..store import open_store

    try:
        store = open_store(db)
    except IngestError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - unreachable server, unknown driver...
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        err.print(f"error: cannot open store: {reason}", markup=False, highlight=False)
        raise typer.Exit(2)
    try:
        yield store
    finally:
        store.close()


JSONL_HELP = "JSON Lines: one row a line."


def emit(rows: list[dict], columns: list[str], title: str, as_json: bool, as_csv: bool,
         as_jsonl: bool = False) -> None:
    """Rows as a Rich table, or as JSON (a list of objects), JSON Lines or CSV on stdout."""
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if as_jsonl:
        sys.stdout.writelines(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
        return
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
    out.print(table)


def _fail(exc) -> None:
    err.print(f"error: {exc}", markup=False, highlight=False)
    raise typer.Exit(exc.exit_code)


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        fmt: str = typer.Option("jsonl", "--format", "-f",
                                help="jsonl | csv | parquet | opensearch"),
        out_path: Optional[Path] = typer.Option(
            None, "--out", help="File (jsonl, opensearch) or folder (csv, parquet); default stdout."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """Export stored records (jsonl: exactly the contract JSON, one record per line)."""
        from ..errors import IngestError
        from ..export import export as run_export

        with opened(db) as store:
            try:
                summary = run_export(store, fmt, out_path, sys.stdout)
            except IngestError as exc:
                _fail(exc)
        err.print(summary, markup=False, highlight=False)

    @app.command()
    def search(
        query: str = typer.Argument(..., help="Words to look for (1 character and up)."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        year: Optional[int] = typer.Option(None, "--year"),
        agency: Optional[str] = typer.Option(None, "--agency", help="Part of the agency name."),
        section: Optional[str] = typer.Option(None, "--section", help="Section id, e.g. problems."),
        type_: Optional[str] = typer.Option(None, "--type", help="problem | improvement | other"),
        theme: Optional[str] = typer.Option(None, "--theme", help="Theme id (statements only)."),
        kind: Optional[str] = typer.Option(None, "--kind", help="section | statement"),
        limit: int = typer.Option(20, "--limit", "-n", min=1),
        as_json: bool = typer.Option(False, "--json", help="Hits as a JSON list."),
        as_jsonl: bool = typer.Option(False, "--jsonl", help=JSONL_HELP),
    ) -> None:
        """Ranked full-text search over sections and statements."""
        from ..errors import IngestError
        from ..search import Filters
        from ..search import search as run_search

        filters = Filters(year=year, agency=agency, section=section, type=type_, theme=theme,
                          kind=kind)
        with opened(db) as store:
            try:
                hits = run_search(store, query, filters, limit)
            except IngestError as exc:
                _fail(exc)
        if as_json or as_jsonl:
            emit([h.to_dict() for h in hits], [], "", as_json, False, as_jsonl)
            return
        from rich.table import Table

        table = Table(title=f"{len(hits)} hits for {query}")
        for column in ("score", "agency", "year", "where", "snippet"):
            table.add_column(column, overflow="fold")
        for h in hits:
            text = h.snippet.replace("[", r"\[").replace("<mark>", "[bold yellow]")
            table.add_row(f"{h.score:.3f}", h.agency or "", str(h.year or ""),
                          f"{h.section}/{h.type or h.kind}", text.replace("</mark>", "[/]"))
        out.print(table)

    themes_app = typer.Typer(help="Problem themes by year and agency level, with trends.",
                             invoke_without_command=True, no_args_is_help=False)
    app.add_typer(themes_app, name="themes")

    @themes_app.callback()
    def themes(
        ctx: typer.Context,
        by: str = typer.Option("trend", "--by", help="trend | year | level"),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json"),
        as_jsonl: bool = typer.Option(False, "--jsonl", help=JSONL_HELP),
        as_csv: bool = typer.Option(False, "--csv"),
    ) -> None:
        """Problem statements per theme: trends (default), theme x year (share of each year's
        reports), or by agency level."""
        if ctx.invoked_subcommand is not None:
            return
        from .. import analysis

        with opened(db) as store:
            if by == "trend":
                rows = analysis.theme_trends(store)
                years = sorted({k for r in rows for k in r if k.isdigit()})
                columns = ["theme", "name", "statements", *years, "trend_pp"]
            elif by == "year":
                rows, years = analysis.themes_pivot(store)
                columns = ["theme", "name", *years, "reports"]
                if not (as_json or as_csv or as_jsonl):  # shares as percentages on the terminal
                    rows = [{**r, **{y: f"{100 * r[y]:.0f}%" if r[y] else "" for y in years}}
                            for r in rows]
            elif by == "level":
                rows = analysis.themes_by(store, by)
                columns = ["theme", "name", by, "statements", "reports", "share"]
            else:
                err.print("error: --by must be trend, year or level")
                raise typer.Exit(2)
        emit(rows, columns, f"problem themes by {by}", as_json, as_csv, as_jsonl=as_jsonl)

    @themes_app.command("discover")
    def discover(
        k: int = typer.Option(8, "--k", min=1, help="How many candidate themes at most."),
        method: str = typer.Option("nmf", "--method", help="nmf | kmeans"),
        keywords: int = typer.Option(8, "--keywords", min=1),
        examples: int = typer.Option(3, "--examples", min=0),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json"),
        as_jsonl: bool = typer.Option(False, "--jsonl", help=JSONL_HELP),
    ) -> None:
        """Cluster stored problem statements into candidate themes; `new` ones (listed first) are
        recurring problems whose words no theme knows (what the taxonomy misses)."""
        from dataclasses import asdict

        from ..discovery import discover_themes
        from ..errors import IngestError

        with opened(db) as store:
            try:
                found = discover_themes(store, k, method=method, n_keywords=keywords,
                                        n_examples=examples)
            except IngestError as exc:
                _fail(exc)
        rows = [asdict(c) for c in found]
        for row in rows:
            row["keywords"] = " ".join(row["keywords"])
            row["examples"] = " | ".join(row["examples"])
            row["known_themes"] = ", ".join(f"{t}:{n}" for t, n in row["known_themes"].items())
            row["unknown_terms"] = " ".join(row["unknown_terms"])
        emit(rows, ["new", "size", "unknown_terms", "keywords", "known_themes", "examples"],
             "candidate themes", as_json, False, as_jsonl=as_jsonl)

    checks_app = typer.Typer(help="Checks that fail, and reviewers' verdicts on them.",
                             invoke_without_command=True, no_args_is_help=False)
    app.add_typer(checks_app, name="checks")

    @checks_app.callback()
    def checks(
        ctx: typer.Context,
        failed: bool = typer.Option(True, "--failed/--all", help="Only failed checks (default)."),
        open_only: bool = typer.Option(False, "--open", help="Only failed checks without a verdict."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json"),
        as_jsonl: bool = typer.Option(False, "--jsonl", help=JSONL_HELP),
        as_csv: bool = typer.Option(False, "--csv"),
    ) -> None:
        """Reports whose own arithmetic, prose totals or cross-year figures fail, with the detail."""
        if ctx.invoked_subcommand is not None:
            return
        from .. import analysis

        with opened(db) as store:
            rows = analysis.failed_checks(store) if failed else analysis.all_checks(store)
        if open_only:
            rows = [r for r in rows if r["verdict"] is None]
        columns = ["id", "agency_key", "year", "rule", "ok", "detail", "verdict", "note"]
        emit(rows, [c for c in columns if failed is False or c != "ok"], "checks", as_json, as_csv,
             as_jsonl=as_jsonl)

    @checks_app.command("verdict")
    def verdict(
        check: str = typer.Argument(..., help="The check's id (ingest checks) or fingerprint."),
        decision: str = typer.Argument(..., help="confirm | dismiss"),
        note: Optional[str] = typer.Option(None, "--note", help="Why."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """Confirm or dismiss a failed check; kept across re-parses while its values stay the same."""
        from ..errors import IngestError
        from ..verdicts import set_verdict

        with opened(db) as store:
            try:
                row = set_verdict(store, check, decision, note)
            except IngestError as exc:
                _fail(exc)
        out.print(f"{row['verdict']}ed check {row['check']} ({row['rule']}, {row['agency_key']} "
                  f"{row['year']}; fingerprint {row['fingerprint']})", markup=False, highlight=False)

    @app.command()
    def agencies(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json"),
        as_jsonl: bool = typer.Option(False, "--jsonl", help=JSONL_HELP),
        as_csv: bool = typer.Option(False, "--csv"),
    ) -> None:
        """Agency keys of the stored reports: level, names seen and years."""
        from .. import analysis

        with opened(db) as store:
            rows = analysis.agencies(store)
        emit(rows, ["agency_key", "level", "reports", "years", "names"], "agencies", as_json,
             as_csv, as_jsonl=as_jsonl)

    @app.command()
    def history(
        agency: str = typer.Argument(..., help="Agency key, name, or part of either."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json"),
        as_jsonl: bool = typer.Option(False, "--jsonl", help=JSONL_HELP),
        as_csv: bool = typer.Option(False, "--csv"),
    ) -> None:
        """An agency's series: per year request volumes, failed checks, problem themes
        (recurring ones marked *; after_fix: a problem again after last year's fix)."""
        from .. import series

        with opened(db) as store:
            rows = series.history(store, agency)
        emit(rows, ["agency_key", "year", "agency", "new_received", "carried_over",
                    "results_total", "carried_forward", "checks_failed", "problem_themes",
                    "after_fix"], f"history of {agency}", as_json, as_csv, as_jsonl=as_jsonl)

    @app.command()
    def serve(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8001, "--port", "-p"),
    ) -> None:
        """Browse the store in Datasette (read-only), with canned queries and a chart page."""
        from ..serve import serve as run_serve

        err.print(f"serving on http://{host}:{port}/ (Ctrl-C to stop)", markup=False,
                  highlight=False)
        run_serve(db, host=host, port=port)
