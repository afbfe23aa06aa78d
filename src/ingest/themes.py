"""Issue themes for problem and improvement statements (ids from config/themes.yaml).

Three ways to tag a statement, measured against each other by `ingest eval`:
`cues` (a theme's cue words or patterns occur in the text), `model` (the shipped
textcat_multilabel scores at or above the threshold) and `both` (the union). Which one the
pipeline uses, and the threshold, are data in config/statements.yaml (`themes:`).
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


def model_themes(probs: dict[str, float], threshold: float | None = None) -> list[str]:
    """Given theme probabilities, return the ids at or above the threshold (taxonomy order)."""
    cut = settings().get("threshold", 0.5) if threshold is None else threshold
    return [tid for tid in theme_ids() if probs.get(tid, 0.0) >= cut]


def assign(texts: list[str], probs: list[dict[str, float]] | None = None,
           method: str | None = None, threshold: float | None = None) -> list[list[str]]:
    """Given statement texts (and model probabilities), return each one's theme ids."""
    method = method or settings().get("method", "both")
    if method not in METHODS:
        raise ValueError(f"unknown theme method {method!r}; use one of {METHODS}")
    probs = probs if probs is not None else [{} for _ in texts]
    out = []
    for text, p in zip(texts, probs):
        found = set(cue_themes(text)) if method in ("cues", "both") else set()
        if method in ("model", "both"):
            found |= set(model_themes(p, threshold))
        out.append([tid for tid in theme_ids() if tid in found])
    return out
