"""Candidate statements -> typed statements (problem / improvement / other).

The shipped textcat model decides by default, its close calls tipped by wording (a fix verb,
a plan opener 下一步，我局将…); the rules in config/statements.yaml (`type_rules`) apply only where
they measured better: an item under a 问题/改进 sub-heading or label takes that type (under a fix
label it is never split), a free framing sentence is `other`, and an item whose sentences (or,
failing that, ；-clauses) state a problem and then its fix is split in two. Among fixes each
sentence's kind weighs in what the lead-in announced, so a heading sentence and its explanation
after …将采取以下措施： stay one fix; among problems the fix sentence must say what will be done,
so a problem's explanation stays with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..settings import load_yaml
from . import nlp
from .segment import Candidate, clean, is_framing, strip_marker

KINDS = ("problem", "improvement")


@dataclass
class Typed:
    """A statement text with its type and where it was found."""

    section: str
    text: str
    type: str


@lru_cache(maxsize=1)
def type_rules() -> dict:
    return dict(load_yaml("statements.yaml").get("type_rules") or {})


@lru_cache(maxsize=1)
def _wording() -> dict[str, re.Pattern]:
    cues = type_rules().get("wording") or {}
    return {kind: re.compile("|".join(pats)) for kind, pats in cues.items() if pats}


def with_wording(text: str, scores: dict[str, float], rules: dict, part: bool = False) -> dict[str, float]:
    """The model's scores plus `wording_weight` for each kind whose wording the text shows
    (a fix opens with what will be done: 加强…; a problem judges: 薄弱, 不深入…), and, for a
    `part` (an enumerated item, a ；-clause, one sentence of an item), `plan_weight` for
    improvement where it opens with who will act when (下一步，我局将…: a planned action, which
    the model alone reads as a lead-in; a free sentence of that shape may well be one)."""
    weight = float(rules.get("wording_weight", 0.0))
    body = clean(strip_marker(text))
    found = [kind for kind, pattern in _wording().items() if pattern.search(body)] if weight else []
    out = {**scores, **{kind: scores.get(kind, 0.0) + weight for kind in found}}
    plan = _plan() if part else None
    if plan and plan.search(body):
        out["improvement"] = out.get("improvement", 0.0) + float(rules.get("plan_weight", 0.0))
    return out


def says_fix(text: str) -> bool:
    """Given a sentence, say whether its wording says what will be done (it opens with a fix
    verb, 加强…, or with who will act when, 下一步我局将…)."""
    body = clean(strip_marker(text))
    fix, plan = _wording().get("improvement"), _plan()
    return bool((fix and fix.search(body)) or (plan and plan.search(body)))


@lru_cache(maxsize=1)
def _plan() -> re.Pattern | None:
    pats = type_rules().get("plan_openers") or []
    return re.compile("^(?:" + "|".join(pats) + ")") if pats else None


def best(scores: dict[str, float]) -> str:
    return max(scores, key=scores.get) if scores else "other"


def with_prior(cand: Candidate, scores: dict[str, float], rules: dict, part: bool = False) -> dict[str, float]:
    """The scores plus a weight for the kind the candidate's label or lead-in announces:
    `hint_weight`; for a part of a sentence or item (a ；-clause, one sentence of an item) among
    problems only `split_problem_weight` (a problem may well be followed by its fix)."""
    prior = cand.context or cand.hint
    among_problems = part and not among_fixes(cand)
    weight = float(rules.get("split_problem_weight" if among_problems else "hint_weight", 0.0))
    if weight and prior in KINDS:
        return {**scores, prior: scores.get(prior, 0.0) + weight}
    return scores


def decide(cand: Candidate, scores: dict[str, float], rules: dict | None = None) -> str:
    """Given a candidate and the model's scores for its text, return its type."""
    rules = type_rules() if rules is None else rules
    if rules.get("framing_is_other") and not cand.enumerated and is_framing(cand.sentences[-1]):
        return "other"
    if labelled(cand, rules):
        return cand.context
    if rules.get("hint_overrides") and cand.enumerated and cand.hint in KINDS:
        return cand.hint
    return best(with_prior(cand, scores, rules, part=cand.clause))


def labelled(cand: Candidate, rules: dict) -> bool:
    """An enumerated item under a 问题/改进 sub-heading or label: the label says its type."""
    return bool(rules.get("context_overrides")) and cand.enumerated and cand.context in KINDS


def among_fixes(cand: Candidate) -> bool:
    """The item stands under a fix label or after a fix lead-in (…将采取以下措施：)."""
    return (cand.context or cand.hint) == "improvement"


def part_kinds(cand: Candidate, part_scores: list[dict[str, float]], rules: dict) -> list[str | None]:
    """Each sentence's (or clause's) own kind, the announced kind weighing in (`with_prior`
    for parts: among fixes an item that opens with a short heading sentence is one fix, not a
    problem and a fix; among problems a close call is the problem's explanation, not its fix);
    None where the best kind is below `min_split_confidence`."""
    cut = float(rules.get("min_split_confidence", 0.6))
    if rules.get("prior_in_splits"):
        part_scores = [with_prior(cand, s, rules, part=True) for s in part_scores]
    return [best(s) if s.get(best(s), 0.0) >= cut else None for s in part_scores]


def problem_then_fix(kinds: list[str | None]) -> bool:
    """Kinds that state a problem and then its fix: problem parts first, fix parts after."""
    found = [k for k in kinds if k in KINDS]
    first_fix = found.index("improvement") if "improvement" in found else len(found)
    return 0 < first_fix < len(found) and "problem" not in found[first_fix:]


def unsplit(cand: Candidate, rules: dict) -> bool:
    """An item under a fix label is one fix (the problems were stated under their own label)."""
    return labelled(cand, rules) and cand.context == "improvement"


def split_mixed(cand: Candidate, sent_scores: list[dict[str, float]], rules: dict) -> list[Typed] | None:
    """An item whose sentences are confidently both problem and improvement -> one per sentence."""
    if unsplit(cand, rules):
        return None
    kinds = part_kinds(cand, sent_scores, rules)
    if not ({"problem", "improvement"} <= set(kinds)):
        return None
    if rules.get("problem_first") and not problem_then_fix(kinds):
        return None  # a fix before a problem in one item is a misjudged sentence, not a pair
    if rules.get("fix_needs_wording") and (cand.context or cand.hint) == "problem" and not all(
            says_fix(s) for s, kind in zip(cand.sentences, kinds) if kind == "improvement"):
        return None  # among problems, a fix sentence says what will be done; else it explains
    return [Typed(cand.section, clean(s), kind or best(sc))
            for s, kind, sc in zip(cand.sentences, kinds, sent_scores) if clean(s)]


_CLAUSES = re.compile(r"[^；;]+[；;]?")


def clauses(cand: Candidate) -> list[str]:
    """The candidate's ；-separated clauses, sentence by sentence."""
    return [c for sent in cand.sentences for c in _CLAUSES.findall(sent) if clean(c)]


def split_clauses(cand: Candidate, parts: list[str], part_scores: list[dict[str, float]],
                  rules: dict) -> list[Typed] | None:
    """An item whose ；-clauses are a problem and a fix (…偏少；加强…) -> one statement per
    run of clauses of one kind, when its sentences alone did not tell them apart."""
    if unsplit(cand, rules):
        return None
    kinds = part_kinds(cand, part_scores, rules)
    if not ({"problem", "improvement"} <= set(kinds)) or None in kinds:
        return None
    runs: list[tuple[str, list[str]]] = []
    for part, kind in zip(parts, kinds):
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(part)
        else:
            runs.append((kind, [part]))
    return [Typed(cand.section, clean("".join(ps)), kind) for kind, ps in runs if clean("".join(ps))]


def classify(cands: list[Candidate], rules: dict | None = None) -> list[Typed]:
    """Given candidates in document order, return typed statements in document order."""
    rules = type_rules() if rules is None else rules
    split = rules.get("split_mixed_items")
    multi = [c for c in cands if len(c.sentences) > 1] if split else []
    listed = {id(c): parts for c in cands if split
              for parts in [clauses(c)] if len(parts) > len(c.sentences)}
    texts = ([c.text for c in cands] + [s for c in multi for s in c.sentences]
             + [p for parts in listed.values() for p in parts])
    parts = [c.enumerated or c.clause for c in cands] + [True] * (len(texts) - len(cands))
    scores = ([with_wording(t, sc, rules, part) for t, sc, part in zip(texts, nlp.type_scores(texts), parts)]
              if texts else [])
    whole, rest = scores[: len(cands)], iter(scores[len(cands):])
    per_sentence = {id(c): [next(rest) for _ in c.sentences] for c in multi}
    per_clause = {key: [next(rest) for _ in parts] for key, parts in listed.items()}
    out: list[Typed] = []
    for cand, sc in zip(cands, whole):
        typed = split_mixed(cand, per_sentence[id(cand)], rules) if id(cand) in per_sentence else None
        if typed is None and id(cand) in per_clause:
            typed = split_clauses(cand, listed[id(cand)], per_clause[id(cand)], rules)
        out.extend(typed or [Typed(cand.section, cand.text, decide(cand, sc, rules))])
    return out
