"""`ingest corpus`: generate synthetic reports with gold records, build or serve the sample portal,
and score predictions against gold with the product's own scorer."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

console = LazyConsole(stderr=True)
corpus = typer.Typer(help="Synthetic reports with gold records, and the sample portal.", no_args_is_help=True)


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console.get())


def _formats(text: str) -> tuple[str, ...]:
    from ..corpus import FORMATS

    fmts = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise typer.BadParameter(f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
    return fmts


@corpus.command("generate")
def generate_cmd(
    n: int = typer.Option(20, "--n", min=1, max=100000, help="How many reports."),
    out: Path = typer.Option(..., "--out", help="Folder: documents go to OUT/docs, gold records to OUT/gold."),
    formats: str = typer.Option("pdf,html,docx,txt", "--formats", help="Comma-separated: pdf,html,docx,txt,scan."),
    seed: int = typer.Option(0, "--seed", help="The same seed gives the same reports."),
) -> None:
    """Write N generated reports and their gold records (<name>.json)."""
    from ..corpus import generate

    fmts = _formats(formats)
    docs, gold = out / "docs", out / "gold"
    docs.mkdir(parents=True, exist_ok=True)
    gold.mkdir(parents=True, exist_ok=True)
    with _progress() as bar:
        task = bar.add_task("generating", total=n)
        for item in generate(n, seed=seed, formats=fmts):
            (docs / item.filename).write_bytes(item.data)
            (gold / f"{item.name}.json").write_text(
                json.dumps(item.record.to_json_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
            bar.advance(task)
    console.print(f"{n} reports in {docs}, gold in {gold}")


@corpus.command("portal")
def portal_cmd(
    out: Path = typer.Option(Path("examples/portal"), "--out", help="Site folder; gold and manifest go beside it."),
    n: int = typer.Option(60, "--n", min=1, max=2000, help="How many reports."),
    scans: int = typer.Option(2, "--scans", min=0, help="How many of them are image-only PDFs."),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Build the static sample portal (a 政府信息公开年报 column) with reports and non-reports."""
    from ..corpus.portal import build_portal

    started = time.perf_counter()
    with console.status(f"building {n} reports into {out}"):
        manifest = build_portal(out, n=n, seed=seed, scans=scans)
    kinds: dict[str, int] = {}
    for doc in manifest["documents"]:
        kinds[f"{doc['kind']}/{doc['format']}"] = kinds.get(f"{doc['kind']}/{doc['format']}", 0) + 1
    from rich.table import Table

    table = Table("item", "count")
    for key, count in sorted(kinds.items()):
        table.add_row(key, str(count))
    console.print(table)
    console.print(f"{len(manifest['listing_pages'])} listing pages; manifest {out.name}-manifest.json; "
                  f"{time.perf_counter() - started:.1f}s")


@corpus.command("serve")
def serve_cmd(
    folder: Path = typer.Argument(Path("examples/portal"), help="Folder to serve."),
    port: int = typer.Option(8000, "--port", help="0 picks a free port."),
) -> None:
    """Serve a folder on 127.0.0.1 until Ctrl-C."""
    from ..corpus.serve import base_url, start

    try:
        server = start(folder, port)
    except (FileNotFoundError, OSError) as exc:
        console.print(f"[red]cannot serve {folder}: {exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"serving {folder} at {base_url(server)} (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


@corpus.command("score")
def score_cmd(
    gold: Path = typer.Option(..., "--gold", help="Folder of gold <name>.json."),
    pred: Path = typer.Option(..., "--pred", help="Folder of predicted <name>.json."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full summary here."),
) -> None:
    """Score predicted records against gold records (same metrics as the project's scorer)."""
    from ..evaluate import score_records, worst_fields

    paths = sorted(gold.glob("*.json"))
    if not paths:
        console.print(f"[red]no gold records in {gold}[/red]")
        raise typer.Exit(2)
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    preds = [_load(pred / p.name) for p in paths]
    summary = score_records(golds, preds, [p.stem for p in paths])
    if json_out:
        json_out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    from rich.console import Console
    from rich.table import Table

    table = Table("metric", "value")
    for key, value in worst_fields(summary):
        table.add_row(key, f"{value:.4f}")
    table.add_row("documents", str(summary["documents"]))
    table.add_row("missing", str(summary["missing"]))
    Console().print(table)


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def register(app: typer.Typer) -> None:
    app.add_typer(corpus, name="corpus")
