"""Problem and improvement statements of a report, typed and tagged with themes.

    extract_statements(sections) -> [Statement]

segment (section text -> candidates with context) -> classify (type: model + measured rules)
-> themes (ids from config/themes.yaml, for problems and improvements only, with the
model's `theme_scores` above the floor).
The trained models load once per process, on first use.
"""
from __future__ import annotations

from ..record import Section, Statement
from .. import themes
from . import nlp
from .classify import KINDS, classify
from .segment import segment


def extract_statements(sections: list[Section]) -> list[Statement]:
    """Given a record's sections, return its statements in document order."""
    typed = classify(segment(sections))
    kinds = [t for t in typed if t.type in KINDS]
    probs = nlp.theme_scores([t.text for t in kinds]) if kinds else []
    tags = dict(zip(map(id, kinds), themes.assign([t.text for t in kinds], probs)))
    scores = {id(t): themes.scores_above_floor(p) for t, p in zip(kinds, probs) if p}
    return [Statement(section=t.section, type=t.type, text=t.text, themes=tags.get(id(t), []),
                      theme_scores=scores.get(id(t))) for t in typed]


__all__ = ["extract_statements"]
