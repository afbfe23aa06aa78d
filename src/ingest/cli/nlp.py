"""`ingest train` and `ingest eval`: fit and measure the statement type and theme models."""
from __future__ import annotations

from pathlib import Path

import typer

from . import LazyConsole

console = LazyConsole()


def _tally_table(title: str, tally, labels: list[str]):
    from rich.table import Table

    table = Table(title=title)
    for col in ("label", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for label in labels:
        p, r, f = tally.prf(label)
        tp, _, fn = tally.counts.get(label, [0, 0, 0])
        table.add_row(label, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", str(tp + fn))
    p, r, f = tally.prf()
    table.add_row("[b]micro[/b]", f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", "")
    return table


def train_cmd(
    config: Path = typer.Option(None, help="type textcat config (default config/textcat.cfg)"),
    themes_config: Path = typer.Option(None, help="theme textcat_multilabel config "
                                                  "(default config/themes_textcat.cfg)"),
    data: list[Path] = typer.Option(None, help="labelled JSON lines (default data/statements*.jsonl)"),
    out: Path = typer.Option(None, help="where the models go (default models/)"),
    seed: int = typer.Option(42, help="random seed: same data + seed -> same model"),
) -> None:
    """Train the statement type and theme models (offline, seeded) and save them."""
    from .. import train

    with console.status("training the type and theme models…"):
        result = train.train_models(data or None, out, seed,
                                    type_config=config.resolve() if config else train.TYPE_CONFIG,
                                    themes_config=(themes_config.resolve() if themes_config
                                                   else train.THEMES_CONFIG))
    console.print(f"trained on {result['examples']} statements -> {result['out']}")


def eval_cmd(
    cv: int = typer.Option(5, help="k for k-fold cross-validation"),
    data: list[Path] = typer.Option(None, help="labelled JSON lines to cross-validate on "
                                                "(default data/statements.jsonl)"),
    extra: list[Path] = typer.Option(None, help="labelled JSON lines always in training "
                                                 "(default data/statements_extra.jsonl)"),
    no_extra: bool = typer.Option(False, "--no-extra", help="train on the folds only"),
    seed: int = typer.Option(42),
) -> None:
    """Cross-validate: type macro-F1 and per-theme precision/recall (cues, model, both)."""
    from .. import themes, train
    from ..settings import PROJECT_ROOT

    if cv < 2:
        raise typer.BadParameter("--cv needs at least 2 folds")
    rows = train.read_examples(data or [PROJECT_ROOT / train.EVAL_FILE])
    extra_files = [] if no_extra else (extra or [p for p in [PROJECT_ROOT / train.EXTRA_FILE] if p.exists()])
    always = train.read_examples(extra_files)
    from rich.progress import Progress
    from rich.table import Table

    with Progress(console=console.get(), transient=True) as progress:
        task = progress.add_task(f"{cv}-fold cross-validation", total=cv)
        result = train.cross_validate(rows, cv, seed, lambda n: progress.update(task, completed=n),
                                      extra=always)
    console.print(f"held-out folds from {len(rows)} statements; {len(always)} more always in training")
    types = result["types"]
    console.print(_tally_table(f"type ({cv}-fold CV, {len(rows)} statements)", types, list(train.TYPES)))
    console.print(f"type macro-F1: [b]{types.macro_f1(train.TYPES):.3f}[/b]")
    summary = Table(title="themes: micro-F1 by method")
    for col in ("method", "precision", "recall", "F1"):
        summary.add_column(col)
    for method, tally in result["themes"].items():
        summary.add_row(method, *(f"{v:.3f}" for v in tally.prf()))
    chosen = themes.settings().get("method", "both")
    console.print(_tally_table(f"themes per theme (method: {chosen})", result["themes"][chosen],
                               themes.theme_ids()))
    console.print(summary)


def register(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
    app.command("eval")(eval_cmd)
