"""Training and cross-validation of the statement models (type and themes).

Labelled statements are JSON lines `{"text", "label", "themes"}` (data/statements*.jsonl).
`train_models` fits the type `textcat` and the theme `textcat_multilabel` from the configs in
config/ and writes them to models/; `cross_validate` measures type macro-F1 and theme micro-F1
(cue rules, model, both) over k seeded folds. Everything is offline and seeded.
"""
from __future__ import annotations

import io
import json
import random
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as train_loop
from spacy.util import fix_random_seed, load_config

from . import themes as theme_rules
from .errors import InvalidInput
from .settings import PROJECT_ROOT, config_dir, models_dir
from .statements import nlp as stnlp

TYPES = ("problem", "improvement", "other")
EVAL_TYPES = ("problem", "improvement")
DATA_FILES = ("data/statements.jsonl", "data/statements_extra.jsonl")
EVAL_FILE, EXTRA_FILE = DATA_FILES
TYPE_CONFIG = "textcat.cfg"
THEMES_CONFIG = "themes_textcat.cfg"
SEED = 42


def read_examples(paths: Iterable[Path]) -> list[dict]:
    """Given JSON-lines files, return their labelled statements (bad lines are an InvalidInput)."""
    rows = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise InvalidInput(f"{path}:{n}: not a JSON line") from None
            if row.get("label") not in TYPES or not row.get("text"):
                raise InvalidInput(f"{path}:{n}: needs text and a label in {TYPES}")
            rows.append({"text": row["text"], "label": row["label"], "themes": row.get("themes") or []})
    return rows


def default_data() -> list[Path]:
    return [PROJECT_ROOT / p for p in DATA_FILES if (PROJECT_ROOT / p).exists()]


def type_cats(row: dict) -> dict[str, float]:
    return {t: float(row["label"] == t) for t in TYPES}


def theme_cats(row: dict, theme_ids: list[str]) -> dict[str, float]:
    return {t: float(t in row["themes"]) for t in theme_ids}


def _docbin(nlp: Language, rows: list[dict], cats: Callable[[dict], dict]) -> DocBin:
    db = DocBin()
    for row, doc in zip(rows, nlp.tokenizer.pipe(stnlp.model_text(r["text"]) for r in rows)):
        doc.cats = cats(row)
        db.add(doc)
    return db


def fit(config_name: str | Path, rows: list[dict], cats: Callable[[dict], dict], seed: int = SEED) -> Language:
    """Given a training config and labelled rows, return the trained pipeline (in memory)."""
    fix_random_seed(seed)
    blank = stnlp.blank()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.spacy"
        _docbin(blank, rows, cats).to_disk(path)
        config = load_config(config_dir() / config_name, overrides={
            "paths.train": str(path), "paths.dev": str(path), "system.seed": seed})
        nlp = init_nlp(config)
        nlp, _ = train_loop(nlp, None, stdout=io.StringIO(), stderr=io.StringIO())
    return nlp


def fit_type(rows: list[dict], seed: int = SEED, config: str | Path = TYPE_CONFIG) -> Language:
    return fit(config, rows, type_cats, seed)


def fit_themes(rows: list[dict], seed: int = SEED, config: str | Path = THEMES_CONFIG) -> Language:
    ids = theme_rules.theme_ids()
    typed = [r for r in rows if r["label"] in EVAL_TYPES]
    return fit(config, typed, lambda r: theme_cats(r, ids), seed)


def train_models(data: list[Path] | None = None, out: Path | None = None, seed: int = SEED,
                 type_config: str | Path = TYPE_CONFIG,
                 themes_config: str | Path = THEMES_CONFIG) -> dict:
    """Train both models on the labelled files and write them under `out` (default models/).
    Config names are looked up in config/; a path is used as it is."""
    rows = read_examples(data or default_data())
    out = Path(out or models_dir())
    out.mkdir(parents=True, exist_ok=True)
    fit_type(rows, seed, type_config).to_disk(out / stnlp.TYPE_MODEL)
    fit_themes(rows, seed, themes_config).to_disk(out / stnlp.THEMES_MODEL)
    return {"examples": len(rows), "out": str(out)}


def folds(rows: list[dict], k: int, seed: int = SEED) -> list[list[int]]:
    """Stratified (by label) seeded split of row indices into k folds."""
    out: list[list[int]] = [[] for _ in range(k)]
    rng = random.Random(seed)
    for label in TYPES:
        idx = [i for i, r in enumerate(rows) if r["label"] == label]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            out[n % k].append(i)
    return out


@dataclass
class Tally:
    """True/false positives and false negatives per label."""

    counts: dict[str, list[int]] = field(default_factory=dict)

    def add(self, label: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        c = self.counts.setdefault(label, [0, 0, 0])
        c[0] += tp
        c[1] += fp
        c[2] += fn

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        tp, fp, fn = (self.counts.get(label, [0, 0, 0]) if label
                      else [sum(c[i] for c in self.counts.values()) for i in range(3)])
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def macro_f1(self, labels: Iterable[str]) -> float:
        labels = list(labels)
        return sum(self.prf(label)[2] for label in labels) / len(labels)

    def add_sets(self, gold: set[str], pred: set[str]) -> None:
        for label in gold | pred:
            self.add(label, tp=int(label in gold and label in pred), fp=int(label in pred - gold),
                     fn=int(label in gold - pred))


def cross_validate(rows: list[dict], k: int = 5, seed: int = SEED,
                   progress: Callable[[int], None] | None = None,
                   extra: list[dict] | None = None) -> dict:
    """k-fold CV over `rows` (`extra` rows are always in training): type tally (model) and
    theme tallies per method (cues, model, both)."""
    types = Tally()
    theme_tallies = {m: Tally() for m in theme_rules.METHODS}
    for n, held in enumerate(folds(rows, k, seed)):
        held_set = set(held)
        train = [r for i, r in enumerate(rows) if i not in held_set] + list(extra or [])
        test = [rows[i] for i in held]
        type_nlp, themes_nlp = fit_type(train, seed), fit_themes(train, seed)
        for row, scores in zip(test, stnlp.type_scores([r["text"] for r in test], type_nlp)):
            pred = max(scores, key=scores.get)
            types.add_sets({row["label"]}, {pred})
        typed = [r for r in test if r["label"] in EVAL_TYPES]
        probs = stnlp.theme_scores([r["text"] for r in typed], themes_nlp)
        for method, tally in theme_tallies.items():
            preds = theme_rules.assign([r["text"] for r in typed], probs, method=method)
            for row, pred in zip(typed, preds):
                tally.add_sets(set(row["themes"]), set(pred))
        if progress:
            progress(n + 1)
    return {"types": types, "themes": theme_tallies, "examples": len(rows), "k": k}
