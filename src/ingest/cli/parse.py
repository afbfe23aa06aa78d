"""`ingest parse`: one or many report files -> records (stdout or one JSON file each).

Parsing itself is `ingest.ingest.parse_document` (the same call the store's ingestion
uses); several files go through its warm pool of worker processes.
"""
from __future__ import annotations

import json
import sys
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

err = LazyConsole(stderr=True)
EXIT_CODES = {"ok": 0, "not_report": 3, "failed": 2, "skipped": 2}


@dataclass
class Outcome:
    path: Path
    record: dict | None = None
    error: str | None = None
    exit_code: int = 0


def parse_one(path: Path) -> Outcome:
    """Parse one file inside its limits; every failure becomes a one-line reason."""
    from ..ingest import parse_document

    parsed = parse_document(path.name, path=str(path))
    record = parsed.record.to_json_dict() if parsed.record is not None else None
    return Outcome(path, record=record, error=parsed.reason, exit_code=EXIT_CODES[parsed.status])


def parse_many(files: list[Path], jobs: int, on_done=None) -> list[Outcome]:
    """Outcomes in input order; several files and jobs > 1 use worker processes."""
    on_done = on_done or (lambda _o: None)
    if jobs <= 1 or len(files) <= 1:
        outcomes = []
        for f in files:
            outcomes.append(parse_one(f))
            on_done(outcomes[-1])
        return outcomes
    from ..ingest import parse_pool

    pool = parse_pool(jobs)
    futures = {pool.submit(parse_one, f): i for i, f in enumerate(files)}
    outcomes: list[Outcome | None] = [None] * len(files)
    for fut in as_completed(futures):
        i = futures[fut]
        try:
            outcomes[i] = fut.result()
        except Exception as exc:  # a worker killed by the OS (memory) or similar
            outcomes[i] = Outcome(files[i], error=f"parse worker failed: {type(exc).__name__}", exit_code=2)
        on_done(outcomes[i])
    return outcomes


def exit_code_of(outcomes: list[Outcome]) -> int:
    codes = {o.exit_code for o in outcomes}
    return 2 if 2 in codes else (3 if 3 in codes else 0)


def _write(out: Path, outcome: Outcome) -> None:
    if outcome.record is not None:
        (out / f"{outcome.path.stem}.json").write_text(
            json.dumps(outcome.record, ensure_ascii=False, indent=2), encoding="utf-8")


def _warn(outcome: Outcome) -> None:
    """What the parser was unsure of (the record's `warnings`), one line each on stderr."""
    for warning in (outcome.record or {}).get("warnings", []):
        err.print(f"{outcome.path}: warning: {warning}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command()
    def parse(
        paths: list[Path] = typer.Argument(..., help="Report files or folders."),
        as_json: bool = typer.Option(False, "--json", help="Print the record(s) as JSON on stdout."),
        out: Optional[Path] = typer.Option(None, "--out", help="Write DIR/<stem>.json per input."),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Parse in N processes."),
    ) -> None:
        """Parse report files into records (RECORD.md). Exit 2: unreadable input; 3: not a report."""
        from ..ingest import expand_paths

        files = expand_paths(paths)
        if not files:
            err.print("no input files")
            raise typer.Exit(2)
        if out is None:
            outcomes = parse_many(files, jobs)
            for o in outcomes:
                _warn(o)
                if o.record is not None:
                    indent = None if len(files) > 1 else 2
                    sys.stdout.write(json.dumps(o.record, ensure_ascii=False, indent=indent) + "\n")
                else:
                    err.print(f"{o.path}: {o.error}", markup=False, highlight=False)
            raise typer.Exit(exit_code_of(outcomes))
        out.mkdir(parents=True, exist_ok=True)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err.get(), transient=True, disable=not err.is_terminal)
        with progress:
            task = progress.add_task("parse", total=len(files))

            def done(o: Outcome) -> None:
                _write(out, o)
                _warn(o)
                progress.advance(task)

            outcomes = parse_many(files, jobs, on_done=done)
        failed = [o for o in outcomes if o.record is None]
        for o in failed:
            err.print(f"{o.path}: {o.error}", markup=False, highlight=False)
        summary = f"parsed {len(outcomes) - len(failed)} of {len(outcomes)} into {out}"
        err.print(summary + (f"; {len(failed)} failed" if failed else ""), markup=False, highlight=False)
        raise typer.Exit(exit_code_of(outcomes))
