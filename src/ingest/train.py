"""Training and cross-validation of the statement models (type and themes).

Labelled statements are JSON lines `{"text", "label", "themes"}`: the training files
(DATA_FILES), a development split the cue rules are refined against (DEV_FILE: written apart
from the training data, never trained on, its errors studied) and a held-out split written apart
from both by another hand (HELDOUT_FILE: no cue, threshold or setting is tuned on it, nobody
tuning looked at it; it is only reported on). Splits rotate: when a held-out split has been
measured often enough to steer decisions, a new one is written apart, the old one becomes the
dev split and the old dev split joins training (APART_FILE). `train_models` fits the type `textcat` (spaCy,
config/textcat.cfg) and the theme model (`ingest.theme_model`, parameters in
config/statements.yaml `themes.model`) and writes them to models/; `cross_validate` measures type
macro-F1 and theme micro-F1 (cue rules, model, both) over k seeded folds; `evaluate` measures
the shipped (or given) models on a labelled split such as the held-out file or gold records'
statements (`gold_statements`). Everything is offline and seeded.
"""
from __future__ import annotations

import io
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as train_loop
from spacy.util import fix_random_seed, load_config

from . import theme_model
from . import themes as theme_rules
from .errors import InvalidInput
from .settings import PROJECT_ROOT, config_dir, models_dir
from .statements import nlp as stnlp
from .theme_model import ThemeModel

TYPES = ("problem", "improvement", "other")
EVAL_TYPES = ("problem", "improvement")
DATA_FILES = ("data/statements.jsonl", "data/statements_extra.jsonl", "data/statements_generated.jsonl",
              "data/statements_written.jsonl", "data/statements_apart.jsonl", "data/statements_contrast.jsonl")
# statements_contrast: written (for #13) to tell apart themes whose cue words other themes' statements
# share (规范/流程 of request handling, a mechanism for review or updating), labelled sparingly
EVAL_FILE, EXTRA_FILE, GENERATED_FILE, WRITTEN_FILE, APART_FILE, CONTRAST_FILE = DATA_FILES
DEV_FILE = "data/statements_dev.jsonl"
HELDOUT_FILE = "data/statements_heldout.jsonl"
TYPE_CONFIG = "textcat.cfg"
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
            rows.append({"text": row["text"], "label": row["label"], "themes": row.get("themes") or [],
                         "source": row.get("source") or Path(path).stem})
    return rows


def default_data() -> list[Path]:
    return [PROJECT_ROOT / p for p in DATA_FILES if (PROJECT_ROOT / p).exists()]


def generator_examples() -> list[dict]:
    """The labelled problems and improvements of the report generator's phrase bank
    (config/corpus.yaml): statements written for the product, with their themes."""
    from .corpus.phrases import bank

    return [{"text": text, "label": label, "themes": list(themes or []), "source": "corpus.yaml"}
            for kind, label in (("problems", "problem"), ("improvements", "improvement"))
            for text, themes in bank().get(kind) or []]


def type_cats(row: dict) -> dict[str, float]:
    return {t: float(row["label"] == t) for t in TYPES}


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
    for key in ("train", "dev"):  # the temporary corpus path would make every saved config differ
        nlp.config["paths"][key] = None
    return nlp


def fit_type(rows: list[dict], seed: int = SEED, config: str | Path = TYPE_CONFIG) -> Language:
    return fit(config, rows, type_cats, seed)


def fit_themes(rows: list[dict], seed: int = SEED, params: dict | None = None) -> ThemeModel:
    """The theme model fitted on the problem and improvement rows (params: `themes.model`)."""
    typed = [r for r in rows if r["label"] in EVAL_TYPES]
    params = {**(theme_rules.settings().get("model") or {}), **(params or {})}
    return theme_model.fit(typed, theme_rules.theme_ids(), params, seed, cue_fn=theme_rules.cue_themes)


def train_models(data: list[Path] | None = None, out: Path | None = None, seed: int = SEED,
                 type_config: str | Path = TYPE_CONFIG) -> dict:
    """Train both models on the labelled files and write them under `out` (default models/).
    A config name is looked up in config/; a path is used as it is."""
    rows = read_examples(data) if data else read_examples(default_data()) + generator_examples()
    out = Path(out or models_dir())
    out.mkdir(parents=True, exist_ok=True)
    fit_type(rows, seed, type_config).to_disk(out / stnlp.TYPE_MODEL)
    themes_dir = out / stnlp.THEMES_MODEL
    if themes_dir.exists():  # a spaCy model of an older release leaves files the new one lacks
        shutil.rmtree(themes_dir)
    fit_themes(rows, seed).save(themes_dir)
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

    def merge(self, other: Tally) -> None:
        for label, (tp, fp, fn) in other.counts.items():
            self.add(label, tp, fp, fn)

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
        part = evaluate(test, fit_type(train, seed), fit_themes(train, seed))
        types.merge(part["types"])
        for method, tally in theme_tallies.items():
            tally.merge(part["themes"][method])
        if progress:
            progress(n + 1)
    return {"types": types, "themes": theme_tallies, "examples": len(rows), "k": k}


def evaluate(rows: list[dict], type_nlp: Language | None = None,
             themes: ThemeModel | None = None) -> dict:
    """Given labelled rows, measure the type model (its scores tipped by wording, as the
    pipeline decides a free statement) and the themes per method, with the given models or the
    shipped ones. Rows without a label in TYPES count for themes only."""
    from .statements.classify import best, type_rules, with_wording

    types, theme_tallies = Tally(), {m: Tally() for m in theme_rules.METHODS}
    typed_rows = [r for r in rows if r.get("label") in TYPES]
    rules = type_rules()
    texts = [r["text"] for r in typed_rows]
    for row, scores in zip(typed_rows, stnlp.type_scores(texts, type_nlp) if texts else []):
        types.add_sets({row["label"]}, {best(with_wording(row["text"], scores, rules))})
    tagged = [r for r in rows if r.get("label") in EVAL_TYPES]
    model = themes or stnlp.themes_pipeline()
    probs = stnlp.theme_scores([r["text"] for r in tagged], model)
    cuts = model.thresholds if model else None
    for method, tally in theme_tallies.items():
        for row, pred in zip(tagged, theme_rules.assign([r["text"] for r in tagged], probs,
                                                        method=method, threshold=cuts,
                                                        cue_floors=model.cue_floors if model else None)):
            tally.add_sets(set(row["themes"]), set(pred))
    return {"types": types, "themes": theme_tallies, "examples": len(rows)}


def gold_statements(gold_dir: Path) -> list[dict]:
    """The problem/improvement/other statements of gold records (`*.json` in a folder), as
    labelled rows."""
    rows = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise InvalidInput(f"{path}: not a JSON record") from None
        for st in record.get("statements") or []:
            if st.get("text") and st.get("type") in TYPES:
                rows.append({"text": st["text"], "label": st["type"], "themes": st.get("themes") or []})
    return rows
