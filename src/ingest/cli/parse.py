"""`ingest parse`: one or many report files -> records (stdout or one JSON file each)."""
from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

DOCUMENT_SUFFIXES = {".pdf", ".html", ".htm", ".shtml", ".docx", ".txt", ".md", ".doc", ".wps"}
err = Console(stderr=True)


@dataclass
class Outcome:
    path: Path
    record: dict | None = None
    error: str | None = None
    exit_code: int = 0


def expand(paths: list[Path]) -> list[Path]:
    """Files as given, and every document file under each folder, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES))
        else:
            files.append(path)
    return files


def parse_one(path: Path) -> Outcome:
    """Parse one file inside its limits; every failure becomes a one-line reason."""
    from ..errors import IngestError
    from ..limits import deadline
    from ..pipeline import parse_file
    from ..settings import load_settings

    settings = load_settings()
    try:
        with deadline(settings.limits.max_seconds):
            record = parse_file(path, settings)
        return Outcome(path, record=record.to_json_dict())
    except IngestError as exc:
        return Outcome(path, error=str(exc), exit_code=exc.exit_code)
    except MemoryError:
        return Outcome(path, error="out of memory while parsing", exit_code=2)
    except Exception as exc:  # a parser bug must not stop a batch; say what broke
        return Outcome(path, error=f"internal error: {type(exc).__name__}: {exc}".splitlines()[0], exit_code=2)


def _worker_init() -> None:
    from ..limits import cap_memory
    from ..settings import load_settings

    cap_memory(load_settings().limits.max_memory_mb)


def parse_many(files: list[Path], jobs: int, on_done=None) -> list[Outcome]:
    if jobs <= 1 or len(files) <= 1:
        outcomes = []
        for f in files:
            outcomes.append(parse_one(f))
            if on_done:
                on_done(outcomes[-1])
        return outcomes
    outcomes = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init) as pool:
        futures = {pool.submit(parse_one, f): f for f in files}
        for fut in as_completed(futures):
            try:
                outcome = fut.result()
            except Exception as exc:  # a worker killed by the OS (memory) or similar
                outcome = Outcome(futures[fut], error=f"worker failed: {type(exc).__name__}", exit_code=2)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
    return sorted(outcomes, key=lambda o: files.index(o.path))


def exit_code_of(outcomes: list[Outcome]) -> int:
    codes = {o.exit_code for o in outcomes}
    return 2 if 2 in codes else (3 if 3 in codes else 0)


def register(app: typer.Typer) -> None:
    @app.command()
    def parse(
        paths: list[Path] = typer.Argument(..., help="Report files or folders."),
        as_json: bool = typer.Option(False, "--json", help="Print the record(s) as JSON on stdout."),
        out: Optional[Path] = typer.Option(None, "--out", help="Write DIR/<stem>.json per input."),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Parse in N processes."),
    ) -> None:
        """Parse report files into records (RECORD.md). Exit 2: unreadable input; 3: not a report."""
        files = expand(paths)
        if not files:
            err.print("[red]no input files[/red]")
            raise typer.Exit(2)
        if out is None:
            outcomes = parse_many(files, jobs)
            for o in outcomes:
                if o.record is not None:
                    sys.stdout.write(json.dumps(o.record, ensure_ascii=False, indent=None if len(files) > 1 else 2) + "\n")
                else:
                    err.print(f"{o.path}: {o.error}", markup=False, highlight=False)
            raise typer.Exit(exit_code_of(outcomes))
        out.mkdir(parents=True, exist_ok=True)
        progress = Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err, transient=True, disable=not err.is_terminal)
        with progress:
            task = progress.add_task("parse", total=len(files))

            def done(o: Outcome) -> None:
                if o.record is not None:
                    (out / f"{o.path.stem}.json").write_text(
                        json.dumps(o.record, ensure_ascii=False, indent=2), encoding="utf-8")
                progress.advance(task)

            outcomes = parse_many(files, jobs, on_done=done)
        failed = [o for o in outcomes if o.record is None]
        for o in failed:
            err.print(f"{o.path}: {o.error}", markup=False, highlight=False)
        err.print(f"parsed {len(outcomes) - len(failed)} of {len(outcomes)} into {out}"
                  + (f"; {len(failed)} failed" if failed else ""), markup=False, highlight=False)
        raise typer.Exit(exit_code_of(outcomes))
