"""The theme model: one logistic regression per theme over a statement's character n-grams.

    fit(rows, theme_ids, params) -> ThemeModel      (training only: scikit-learn)
    ThemeModel.scores(texts) -> [{theme_id: probability}]
    ThemeModel.save(dir) / ThemeModel.load(dir)       (model.json + weights.npy, byte-stable)

Why this and not a spaCy textcat: measured by `ingest eval` (CV on the hand-written statements,
generated ones always in training), character 1–3-grams generalise to wordings the training
data never used, where jieba words and spaCy's bag of words split the same phrase differently
from one sentence to the next. Features are binary, IDF-weighted and L2-normalised; each
theme's decision threshold is calibrated on out-of-fold probabilities of the training rows.
Prediction is numpy only (a few dot products), so loading and running it costs milliseconds.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

MODEL_FILE, WEIGHTS_FILE = "model.json", "weights.npy"
DEFAULTS = {"ngram_min": 1, "ngram_max": 3, "words": False, "min_df": 2, "C": 16.0, "class_weight": None,
            "folds": 5, "min_threshold": 0.2, "max_threshold": 0.7, "calibrate_skip": ["statements_generated"],
            "source_weights": {}, "cue_floor_grid": [], "cue_floor_skip": [], "beta": 1.0,
            "piece_above": 0, "piece_chars": 0, "piece_mix": "max"}
_CHUNKS = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_CLAUSE_END = re.compile(r"[。；;！!？?，,：:]")


def features(text: str, lo: int = 1, hi: int = 3, words: bool = False) -> set[str]:
    """Given a statement, return its character n-grams (lo..hi), never across punctuation,
    and with `words` its jieba words of two or more characters (prefixed `w:`)."""
    out: set[str] = set()
    chunks = _CHUNKS.findall(unicodedata.normalize("NFKC", text))
    for chunk in chunks:
        for n in range(lo, hi + 1):
            out.update(chunk[i:i + n] for i in range(len(chunk) - n + 1))
    if words:
        from .statements.nlp import load_domain_words
        from .statements.segmenter import import_jieba

        load_domain_words()
        jieba = import_jieba()
        out.update("w:" + w for chunk in chunks for w in jieba.lcut(chunk) if len(w) > 1)
    return out


def pieces(text: str, size: int, shortest: int = 6) -> list[str]:
    """Given a long statement, return its consecutive clauses joined into pieces of at most
    about `size` characters (a clause longer than that is a piece of its own; pieces shorter
    than `shortest` are left out)."""
    out, cur = [], ""
    for clause in _CLAUSE_END.split(text):
        if cur and len(cur) + len(clause) > size:
            out.append(cur)
            cur = clause
        else:
            cur = f"{cur}，{clause}" if cur else clause
    if cur:
        out.append(cur)
    return [p for p in out if len(p) >= shortest]


@dataclass
class ThemeModel:
    """A fitted model: vocabulary, IDF, weights (features x themes), biases and thresholds."""

    ids: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    thresholds: dict[str, float]
    params: dict = field(default_factory=dict)
    cue_floors: dict[str, float] = field(default_factory=dict)

    def _rows(self, texts: list[str]):
        lo, hi = self.params.get("ngram_min", 1), self.params.get("ngram_max", 3)
        words = bool(self.params.get("words"))
        for text in texts:
            idx = np.fromiter(sorted(j for f in features(text, lo, hi, words) if (j := self.vocab.get(f)) is not None),
                              dtype=np.int64)
            vals = self.idf[idx]
            norm = math.sqrt(float(vals @ vals)) or 1.0
            yield idx, vals / norm

    def logits(self, texts: list[str]) -> np.ndarray:
        out = np.tile(self.bias, (len(texts), 1)).astype(np.float64)
        for n, (idx, vals) in enumerate(self._rows(texts)):
            if len(idx):
                out[n] += vals @ self.weights[idx]
        return out

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        """Given statement texts, return each one's {theme_id: probability}; a text longer than
        `piece_above` characters scores each theme at least as its statement-sized pieces do
        (`pieces`; with `piece_mix: geo`, the geometric mean of the best piece's and the whole
        text's probability): the model learnt from statements of 15-45 characters, and in a
        long one the n-grams of each point are diluted by all the others."""
        probs = 1.0 / (1.0 + np.exp(-self.logits(texts)))
        above = int(self.params.get("piece_above") or 0)
        if above:
            size = int(self.params.get("piece_chars") or above)
            geo = self.params.get("piece_mix") == "geo"
            split = [(n, parts) for n, text in enumerate(texts) if len(text) > above
                     for parts in [pieces(text, size)] if len(parts) > 1]
            if split:  # every long text's pieces scored in one pass
                scored = 1.0 / (1.0 + np.exp(-self.logits([p for _n, parts in split for p in parts])))
                start = 0
                for n, parts in split:
                    best = scored[start:start + len(parts)].max(axis=0)
                    start += len(parts)
                    probs[n] = np.maximum(probs[n], np.sqrt(best * probs[n]) if geo else best)
        return [dict(zip(self.ids, map(float, row))) for row in probs]

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        features_in_order = sorted(self.vocab, key=self.vocab.get)
        meta = {"kind": "char-ngram logistic regression", "ids": self.ids, "params": self.params,
                "thresholds": self.thresholds, "cue_floors": self.cue_floors, "bias": [round(float(b), 6) for b in self.bias],
                "idf": [round(float(v), 6) for v in self.idf], "features": features_in_order}
        (path / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        np.save(path / WEIGHTS_FILE, np.round(self.weights, 5).astype(np.float32), allow_pickle=False)

    @classmethod
    def load(cls, path: Path) -> ThemeModel:
        meta = json.loads((path / MODEL_FILE).read_text(encoding="utf-8"))
        weights = np.load(path / WEIGHTS_FILE, allow_pickle=False)
        return cls(ids=meta["ids"], vocab={f: j for j, f in enumerate(meta["features"])},
                   idf=np.asarray(meta["idf"], dtype=np.float64), weights=weights.astype(np.float64),
                   bias=np.asarray(meta["bias"], dtype=np.float64), thresholds=meta["thresholds"],
                   params=meta["params"], cue_floors=meta.get("cue_floors") or {})

    def document_frequency(self, feature: str) -> int:
        """In how many training statements a feature occurred (0: not in the vocabulary)."""
        j = self.vocab.get(feature)
        if j is None:
            return 0
        n = int(self.params.get("rows", 0))
        return round((1 + n) / math.exp(self.idf[j] - 1.0) - 1)

    @staticmethod
    def exists(path: Path) -> bool:
        return (path / MODEL_FILE).exists() and (path / WEIGHTS_FILE).exists()


def _matrix(texts: list[str], vocab: dict[str, int], idf: np.ndarray, lo: int, hi: int, words: bool):
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for text in texts:
        idx = sorted(j for f in features(text, lo, hi, words) if (j := vocab.get(f)) is not None)
        vals = idf[idx]
        norm = math.sqrt(float(vals @ vals)) or 1.0
        indices.extend(idx)
        data.extend(vals / norm)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(vocab)))


def _fit_weights(texts: list[str], labels: np.ndarray, p: dict, seed: int, weight: np.ndarray | None = None):
    """Vocabulary, IDF and one logistic regression per theme (columns of `labels`), each row
    counted `weight` times."""
    from sklearn.linear_model import LogisticRegression

    lo, hi, words = p["ngram_min"], p["ngram_max"], bool(p.get("words"))
    df: dict[str, int] = {}
    for text in texts:
        for f in features(text, lo, hi, words):
            df[f] = df.get(f, 0) + 1
    kept = sorted(f for f, c in df.items() if c >= p["min_df"])
    vocab = {f: j for j, f in enumerate(kept)}
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept])
    x = _matrix(texts, vocab, idf, lo, hi, words)
    weights = np.zeros((len(vocab), labels.shape[1]))
    bias = np.full(labels.shape[1], -10.0)
    for t in range(labels.shape[1]):
        y = labels[:, t]
        if 0 < y.sum() < len(y):
            clf = LogisticRegression(C=p["C"], class_weight=p["class_weight"], solver="liblinear", max_iter=2000,
                                     random_state=seed).fit(x, y, sample_weight=weight)
            weights[:, t], bias[t] = clf.coef_[0], clf.intercept_[0]
    return vocab, idf, weights, bias


def f_beta(pred: np.ndarray, gold: np.ndarray, beta: float = 1.0) -> float:
    """F-beta of boolean predictions against gold (beta < 1 weighs precision more; 1 is F1)."""
    tp = float((pred & gold).sum())
    b2 = beta * beta
    denom = b2 * float(gold.sum()) + float(pred.sum())
    return (1 + b2) * tp / denom if denom else 0.0


def best_threshold(probs: np.ndarray, gold: np.ndarray, lo: float, hi: float, beta: float = 1.0) -> float:
    """The cut in [lo, hi] (steps of 0.05) with the best F-beta of `probs` against `gold`."""
    best, best_f1 = 0.5, -1.0
    for cut in np.arange(lo, hi + 1e-9, 0.05):
        f1 = f_beta(probs >= cut, gold, beta)
        if f1 > best_f1 + 1e-12:
            best, best_f1 = round(float(cut), 2), f1
    return best


def best_cue_floor(probs: np.ndarray, cues: np.ndarray, gold: np.ndarray, cut: float, grid: list[float],
                   beta: float = 1.0) -> float:
    """The floor in `grid` (lowest first on ties) with the best F-beta of the union `probs >= cut`
    or (`cues` and `probs >= floor`) against `gold`: how sure the model must be before a cue
    word counts for its theme."""
    best, best_f1 = 0.0, -1.0
    for floor in sorted(grid):
        f1 = f_beta((probs >= cut) | (cues & (probs >= floor)), gold, beta)
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(floor), f1
    return best


def fit(rows: list[dict], ids: list[str], params: dict | None = None, seed: int = 42,
        cue_fn: Callable[[str], list[str]] | None = None) -> ThemeModel:
    """Given labelled rows ({"text", "themes", "source"}), return the fitted model with
    thresholds calibrated on `folds` out-of-fold predictions (of the rows whose source is not
    in `calibrate_skip`: statements composed from phrases are easier than written ones), and
    with `cue_fn` (text -> cue-found theme ids) and a `cue_floor_grid`, each theme's cue floor
    chosen on the same out-of-fold predictions (of the rows whose source is not in
    `cue_floor_skip`). Both are chosen for the best F-beta (`beta`: 1 is F1, below 1 weighs
    precision more)."""
    p = {**DEFAULTS, **(params or {})}
    texts = [r["text"] for r in rows]
    labels = np.array([[t in r["themes"] for t in ids] for r in rows], dtype=bool)
    weight = np.array([float(p["source_weights"].get(r.get("source"), 1.0)) for r in rows])
    k = int(p["folds"])
    oof = np.zeros(labels.shape)
    order = np.random.RandomState(seed).permutation(len(rows))
    for f in range(k):
        held = order[f::k]
        train = np.setdiff1d(order, held)
        vocab, idf, w, b = _fit_weights([texts[i] for i in train], labels[train], p, seed, weight[train])
        part = ThemeModel(ids, vocab, idf, w, b, {}, p)
        oof[held] = 1.0 / (1.0 + np.exp(-part.logits([texts[i] for i in held])))
    keep = np.array([r.get("source") not in set(p["calibrate_skip"]) for r in rows])
    keep = keep if keep.any() else np.ones(len(rows), dtype=bool)
    beta = float(p.get("beta") or 1.0)
    thresholds = {t: best_threshold(oof[keep, j], labels[keep, j], p["min_threshold"], p["max_threshold"], beta)
                  for j, t in enumerate(ids)}
    floors = {}
    if cue_fn is not None and p["cue_floor_grid"]:
        used = np.array([r.get("source") not in set(p["cue_floor_skip"]) for r in rows])
        found = [set(cue_fn(texts[i])) for i in np.flatnonzero(used)]
        cues = np.array([[t in f for t in ids] for f in found], dtype=bool)
        floors = {t: best_cue_floor(oof[used, j], cues[:, j], labels[used, j], thresholds[t], p["cue_floor_grid"],
                                     beta)
                  for j, t in enumerate(ids)}
    vocab, idf, w, b = _fit_weights(texts, labels, p, seed, weight)
    return ThemeModel(ids, vocab, idf, w, b, thresholds, {**p, "rows": len(texts)}, floors)


def themes_of(scores: dict[str, float], thresholds: dict[str, float], max_themes: int = 3) -> list[str]:
    """Given one statement's scores, return the themes at or above their thresholds, the
    `max_themes` most probable first."""
    above = [t for t, s in scores.items() if s >= thresholds.get(t, 0.5)]
    return sorted(above, key=lambda t: -scores[t])[:max_themes]
