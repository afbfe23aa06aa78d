"""Issue themes for problem and improvement statements (ids from config/themes.yaml).

Three ways to tag a statement, measured against each other by `ingest eval`:
`cues` (a theme's cue words or patterns occur in the text), `model` (the shipped theme model,
`ingest.theme_model`, scores the theme at or above that theme's calibrated threshold) and
`both` (the union, where a cue counts only if the model gives its theme at least `cue_floor`:
the cue words occur, but the model sees nothing of the theme). A statement keeps at most
`max_themes` themes: cue-found ones first, then the most probable; with `secondary_share`, a theme
besides the model's most probable one only where the model scores it at least that share of the
top one's probability (or, cue-found, at least `secondary_cue_floor`).
Which method the pipeline uses, the cap and the floor of the scores a record carries
(`theme_scores`) are data in config/statements.yaml (`themes:`).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .settings import load_yaml

METHODS = ("cues", "model", "both")


@lru_cache(maxsize=1)
def taxonomy() -> list[dict]:
    """The themes of config/themes.yaml, in file order."""
    return list(load_yaml("themes.yaml").get("themes") or [])


def theme_ids() -> list[str]:
    return [t["id"] for t in taxonomy()]


@lru_cache(maxsize=1)
def settings() -> dict:
    """`themes:` of config/statements.yaml: method, threshold, extra regex patterns per theme."""
    return dict(load_yaml("statements.yaml").get("themes") or {})


@lru_cache(maxsize=1)
def cue_patterns() -> dict[str, re.Pattern]:
    """One compiled pattern per theme: its cue words (literal) or its extra regex patterns."""
    extra = settings().get("patterns") or {}
    out = {}
    for theme in taxonomy():
        parts = [re.escape(c) for c in theme.get("cues") or []] + list(extra.get(theme["id"]) or [])
        if parts:
            out[theme["id"]] = re.compile("|".join(parts))
    return out


@lru_cache(maxsize=1)
def exclusion_patterns() -> dict[str, re.Pattern]:
    """Per theme, spans in which its cue words do not count (`themes.exclude`)."""
    return {tid: re.compile("|".join(pats)) for tid, pats in (settings().get("exclude") or {}).items() if pats}


def cue_themes(text: str) -> list[str]:
    """Given a statement, return the theme ids whose cues occur in it (taxonomy order),
    leaving out cue hits that fall inside one of that theme's exclusion spans."""
    found = []
    for tid, pat in cue_patterns().items():
        excluded = exclusion_patterns().get(tid)
        spans = [m.span() for m in excluded.finditer(text)] if excluded else []
        if any(not any(a <= m.start() and m.end() <= b for a, b in spans) for m in pat.finditer(text)):
            found.append(tid)
    return found


def thresholds() -> dict[str, float]:
    """Each theme's cut: `themes.threshold` where set, else the shipped model's calibrated
    per-theme thresholds, else 0.5."""
    fixed = settings().get("threshold")
    if fixed is not None:
        return dict.fromkeys(theme_ids(), float(fixed))
    from .statements.nlp import themes_pipeline

    model = themes_pipeline()
    return {tid: (model.thresholds.get(tid, 0.5) if model else 0.5) for tid in theme_ids()}


def model_themes(probs: dict[str, float], threshold: float | dict[str, float] | None = None) -> list[str]:
    """Given theme probabilities, return the ids at or above their threshold (taxonomy order)."""
    cuts = thresholds() if threshold is None else (
        threshold if isinstance(threshold, dict) else dict.fromkeys(theme_ids(), threshold))
    return [tid for tid in theme_ids() if probs.get(tid, 0.0) >= cuts.get(tid, 0.5)]


def capped(found: set[str], probs: dict[str, float], limit: int) -> list[str]:
    """At most `limit` of the found themes (those ranked highest by `probs`), in taxonomy order."""
    if limit and len(found) > limit:
        found = set(sorted(found, key=lambda t: (-probs.get(t, 0.0), theme_ids().index(t)))[:limit])
    return [tid for tid in theme_ids() if tid in found]


def with_margin(found: set[str], cues: set[str], probs: dict[str, float], model_found: set[str],
                share: float = 0.0, cue_floor: float = 0.0) -> set[str]:
    """Of the found themes, the model's most probable one (where the model found it itself) and
    the others it scores at least `share` of that one's probability; a cue-found other theme
    also where the model gives it at least `cue_floor` (a cue counts less where the model is
    confident about another theme). Without a model-found theme (or with share 0) all stay."""
    if not share or not found:
        return found
    top = max(found, key=lambda t: (probs.get(t, 0.0), -theme_ids().index(t) if t in theme_ids() else 0))
    if top not in model_found:
        return found
    bar = share * probs.get(top, 0.0)
    return {t for t in found if t == top or probs.get(t, 0.0) >= bar
            or (t in cues and cue_floor and probs.get(t, 0.0) >= cue_floor)}


def scores_above_floor(probs: dict[str, float], floor: float | None = None) -> dict[str, float]:
    """The {theme_id: probability} a record carries: themes at or above `themes.floor`, rounded."""
    cut = float(settings().get("floor", 0.1)) if floor is None else floor
    return {tid: round(probs[tid], 3) for tid in theme_ids() if probs.get(tid, 0.0) >= cut}


def cue_floor_map(model_floors: dict[str, float] | None = None) -> dict[str, float]:
    """Each theme's cue floor: `themes.cue_floor` where it is a number, else (`auto`) the
    floors `ingest train` chose on out-of-fold predictions (`model_floors`, default the
    shipped model's), `themes.cue_floor_default` for a theme without one; `themes.cue_floors`
    ({theme_id: floor}) fixes a theme's floor either way."""
    fixed = settings().get("cue_floor", 0.0)
    overrides = {tid: float(v) for tid, v in (settings().get("cue_floors") or {}).items()}
    if fixed != "auto":
        return {**dict.fromkeys(theme_ids(), float(fixed or 0.0)), **overrides}
    if model_floors is None:
        from .statements.nlp import themes_pipeline

        model = themes_pipeline()
        model_floors = model.cue_floors if model else {}
    default = float(settings().get("cue_floor_default", 0.0))
    return {tid: overrides.get(tid, float(model_floors.get(tid, default))) for tid in theme_ids()}


def assign(texts: list[str], probs: list[dict[str, float]] | None = None,
           method: str | None = None, threshold: float | dict[str, float] | None = None,
           max_themes: int | None = None, cue_floors: dict[str, float] | None = None) -> list[list[str]]:
    """Given statement texts (and model probabilities), return each one's theme ids
    (`cue_floors`: a fitted model's own floors, for `cue_floor: auto`)."""
    method = method or settings().get("method", "both")
    if method not in METHODS:
        raise ValueError(f"unknown theme method {method!r}; use one of {METHODS}")
    limit = int(settings().get("max_themes", 3) if max_themes is None else max_themes)
    probs = probs if probs is not None else [{} for _ in texts]
    if method != "cues" and threshold is None:
        threshold = thresholds()
    floors = cue_floor_map(cue_floors) if method == "both" else {}
    share = float(settings().get("secondary_share") or 0.0) if method != "cues" else 0.0
    cue_floor2 = float(settings().get("secondary_cue_floor") or 0.0)
    out = []
    for text, p in zip(texts, probs):
        cues = set(cue_themes(text)) if method in ("cues", "both") else set()
        if p and floors:
            cues = {t for t in cues if p.get(t, 0.0) >= floors.get(t, 0.0)}
        by_model = set(model_themes(p, threshold)) if method in ("model", "both") else set()
        found = cues | by_model
        if p:
            found = with_margin(found, cues, p, by_model, share, cue_floor2)
        out.append(capped(found, {t: p.get(t, 0.0) + (t in cues) for t in found}, limit))
    return out
