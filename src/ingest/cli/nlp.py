"""`ingest train` and `ingest eval`: fit and measure the statement type and theme models.

`ingest eval` cross-validates on the hand-written statements, then measures the shipped models
on the dev split (data/statements_dev.jsonl, which the cue rules were refined against), the
held-out split (data/statements_heldout.jsonl, written apart and never looked at while tuning)
and, where a gold folder is given or
../shared/realdev/gold is found beside the repository, on the gold records' statements."""
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
    data: list[Path] = typer.Option(None, help="labelled JSON lines (default: the training files, "
                                                            "train.DATA_FILES, and the generator's bank)"),
    out: Path = typer.Option(None, help="where the models go (default models/)"),
    seed: int = typer.Option(42, help="random seed: same data + seed -> same model"),
) -> None:
    """Train the statement type and theme models (offline, seeded) and save them."""
    from .. import train

    with console.status("training the type and theme models…"):
        result = train.train_models(data or None, out, seed,
                                    type_config=config.resolve() if config else train.TYPE_CONFIG)
    console.print(f"trained on {result['examples']} statements -> {result['out']}")


def _report(title: str, result: dict, chosen: str) -> None:
    """Print one evaluation: type per label and macro-F1, themes per theme (chosen method and
    the model alone) and micro-F1 by method."""
    from rich.table import Table

    from .. import themes, train

    types = result["types"]
    if types.counts:
        console.print(_tally_table(f"{title}: type", types, list(train.TYPES)))
        console.print(f"{title}: type macro-F1: [b]{types.macro_f1(train.TYPES):.3f}[/b]")
    for method in dict.fromkeys((chosen, "model")):
        console.print(_tally_table(f"{title}: themes per theme (method: {method})",
                                   result["themes"][method], themes.theme_ids()))
    summary = Table(title=f"{title}: themes micro-F1 by method")
    for col in ("method", "precision", "recall", "F1"):
        summary.add_column(col)
    for method, tally in result["themes"].items():
        summary.add_row(method, *(f"{v:.3f}" for v in tally.prf()))
    console.print(summary)


def default_gold() -> Path | None:
    """../shared/realdev/gold beside the repository, when it is there."""
    from ..settings import PROJECT_ROOT

    path = PROJECT_ROOT.parent / "shared" / "realdev" / "gold"
    return path if path.is_dir() else None


def eval_cmd(
    cv: int = typer.Option(5, help="k for k-fold cross-validation (0: none)"),
    data: list[Path] = typer.Option(None, help="labelled JSON lines to cross-validate on "
                                                "(default data/statements.jsonl)"),
    extra: list[Path] = typer.Option(None, help="labelled JSON lines always in training (default "
                                                 "the other data/statements_*.jsonl training files)"),
    no_extra: bool = typer.Option(False, "--no-extra", help="train on the folds only"),
    heldout: Path = typer.Option(None, help="held-out labelled JSON lines, measured with the shipped "
                                            "models (default: the dev split data/statements_dev.jsonl "
                                            "and the held-out split data/statements_heldout.jsonl)"),
    gold: Path = typer.Option(None, help="a folder of gold records whose statements are measured "
                                         "(default ../shared/realdev/gold when present)"),
    no_gold: bool = typer.Option(False, "--no-gold", help="skip the gold records"),
    seed: int = typer.Option(42),
) -> None:
    """Type macro-F1 and per-theme precision/recall/support (cues, model, both): k-fold CV on
    the hand-written statements, then the shipped models on the held-out split and gold."""
    from .. import themes, train
    from ..settings import PROJECT_ROOT

    if cv == 1 or cv < 0:
        raise typer.BadParameter("--cv needs at least 2 folds (or 0 for none)")
    chosen = themes.settings().get("method", "both")
    if cv:
        rows = train.read_examples(data or [PROJECT_ROOT / train.EVAL_FILE])
        extra_files = [] if no_extra else (extra or [PROJECT_ROOT / f for f in train.DATA_FILES[1:]
                                                     if (PROJECT_ROOT / f).exists()])
        always = train.read_examples(extra_files) + ([] if no_extra or extra else train.generator_examples())
        from rich.progress import Progress

        with Progress(console=console.get(), transient=True) as progress:
            task = progress.add_task(f"{cv}-fold cross-validation", total=cv)
            result = train.cross_validate(rows, cv, seed, lambda n: progress.update(task, completed=n),
                                          extra=always)
        console.print(f"held-out folds from {len(rows)} statements; {len(always)} more always in training")
        _report(f"{cv}-fold CV", result, chosen)
    splits = ([("held-out", heldout)] if heldout else
              [("dev", PROJECT_ROOT / train.DEV_FILE), ("held-out", PROJECT_ROOT / train.HELDOUT_FILE)])
    for name, path in splits:
        if path.exists():
            rows = train.read_examples([path])
            console.print(f"{name} split {path.name}: {len(rows)} statements (shipped models)")
            _report(name, train.evaluate(rows), chosen)
    gold = None if no_gold else (gold or default_gold())
    if gold is not None:
        if not gold.is_dir():
            raise typer.BadParameter(f"no folder {gold}")
        rows = train.gold_statements(gold)
        console.print(f"gold statements of {gold}: {len(rows)} (shipped models)")
        _report("gold", train.evaluate(rows), chosen)


def register(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
    app.command("eval")(eval_cmd)
