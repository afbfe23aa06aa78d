"""Checks stage: the report's own arithmetic (RECORD.md, checks).

Given the canonical tables (and the sections, for `text_table`), return one `Check` per rule
that can be evaluated; a rule whose table is missing is left out. `detail` names the failing
column, row or group and by how much. `text_table` compares the totals the prose states
(config/text_claims.yaml) with the table cells, with each sentence and cell as evidence.
The cross-year rule `carry_over` needs two reports: it is evaluated in the store (series.py).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from .record import Check, Section, Table, Tables
from .settings import load_yaml

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
ALL_COLUMNS = APPLICANT_COLUMNS + ("total",)
REQUEST_INPUT_ROWS = ("new_received", "carried_over")
REQUEST_SUMMARY_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
TOLERANCE = 1e-6


def _value(table: Table, row: str, col: str) -> float:
    return float(table.get(row, {}).get(col, 0) or 0)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _result_rows(table: Table) -> list[str]:
    """Every result row between the inputs and the total (granted … other_handling)."""
    return [k for k in table if k not in REQUEST_SUMMARY_ROWS and k != "results_total"]


def _failures(items: Iterable[tuple[str, float, float]]) -> list[str]:
    return [f"{name}: {_fmt(left)} ≠ {_fmt(right)} (off by {_fmt(left - right)})"
            for name, left, right in items if abs(left - right) > TOLERANCE]


def requests_balance(t: Table) -> list[str]:
    """new_received + carried_over = results_total + carried_forward, per column."""
    return _failures(
        (col,
         _value(t, "new_received", col) + _value(t, "carried_over", col),
         _value(t, "results_total", col) + _value(t, "carried_forward", col))
        for col in ALL_COLUMNS)


def requests_results_total(t: Table) -> list[str]:
    """results_total = the sum of all result rows, per column."""
    rows = _result_rows(t)
    return _failures(
        (col, _value(t, "results_total", col), sum(_value(t, r, col) for r in rows))
        for col in ALL_COLUMNS)


def requests_row_totals(t: Table) -> list[str]:
    """total = the sum of the six applicant columns, per row."""
    return _failures(
        (row, _value(t, row, "total"), sum(_value(t, row, c) for c in APPLICANT_COLUMNS))
        for row in t)


def review_totals(t: Table) -> list[str]:
    """total = upheld + corrected + other + pending, per group."""
    return _failures(
        (group, _value(t, group, "total"), sum(_value(t, group, p) for p in REVIEW_PARTS))
        for group in REVIEW_GROUPS if group in t)


# rule name -> (which table it reads, the rule)
RULES: dict[str, tuple[str, Callable[[Table], list[str]]]] = {
    "requests_balance": ("requests", requests_balance),
    "requests_results_total": ("requests", requests_results_total),
    "requests_row_totals": ("requests", requests_row_totals),
    "review_totals": ("review_litigation", review_totals),
}


def run(tables: Tables, sections: list[Section] | None = None,
        year: int | None = None, agency: str | None = None) -> list[Check]:
    """One Check per rule whose table is present; `text_table` where the prose states a total."""
    out = []
    for rule, (table_name, fn) in RULES.items():
        table = getattr(tables, table_name)
        if not table:
            continue
        failures = fn(table)
        out.append(Check(rule=rule, ok=not failures, detail="; ".join(failures) or None))
    if sections:
        found = text_table(tables, sections, year, agency)
        if found is not None:
            out.append(found)
    return out


# ---- text against tables ---------------------------------------------------------------
SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")
CLAUSE_BREAKS = "，,；;：:（("
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")


@lru_cache(maxsize=1)
def _claim_rules() -> dict:
    """config/text_claims.yaml with every pattern compiled."""
    data = load_yaml("text_claims.yaml")
    number = data["number"]
    claims = [{**c, "patterns": [re.compile(p.replace("{n}", number)) for p in c["patterns"]],
               "exclude": re.compile(c["exclude"]) if c.get("exclude") else None,
               "context": re.compile(c["context"]) if c.get("context") else None}
              for c in data["claims"]]
    return {"claims": claims,
            **{k: re.compile(data[k]) for k in ("qualifier", "skip", "other_scope", "verbs",
                                                "part")}}


def _cell_value(tables: Tables, ref: str) -> float | None:
    """The value of `table.row.col` (or a sum `a+b`), None when any cell is missing."""
    total = 0.0
    for part in ref.split("+"):
        table_name, row, col = part.split(".")
        value = (getattr(tables, table_name) or {}).get(row, {}).get(col)
        if value is None:
            return None
        total += float(value)
    return total


def _sentences(sections: list[Section]) -> Iterable[str]:
    for section in sections:
        if section.id == "problems":
            continue
        for sentence in SENTENCE_END.split(section.text):
            if sentence.strip():
                yield sentence.strip()


def _own(scope: str, agency: str) -> bool:
    """A scope word that names the report's own agency: 区政府办公室 in the office's own report."""
    office = re.sub(r"^[省市区县]", "", scope).replace("政府办", "政府办公")
    return bool(agency) and (scope in agency or office in agency.replace("人民政府", "政府"))


def _claim(tables: Tables, rules: dict, claim: dict, sentence: str, match: re.Match,
           year: int | None, agency: str = "") -> dict | None:
    """One prose claim as evidence ({claim, sentence, stated, cells, ok, scope}), or None
    when the sentence is about something else, another year, or the table lacks the cell."""
    prefix = sentence[:match.end()]
    clause = prefix[max(prefix.rfind(ch, 0, match.start()) for ch in CLAUSE_BREAKS) + 1:]
    if (claim["exclude"] and claim["exclude"].search(match.group())) or rules["skip"].search(clause):
        return None
    if claim["context"] and not _verb_is(rules["verbs"], claim["context"], clause, prefix, match):
        return None
    years = YEAR.findall(prefix)
    if year is not None and years and int(years[-1]) != year:  # about another year
        return None
    cells = [(ref, _cell_value(tables, ref)) for ref in claim["cells"]]
    cells = [(ref, v) for ref, v in cells if v is not None]
    if not cells:
        return None
    stated = float(match.group("n").replace(",", ""))
    other_scope = next((m for m in rules["other_scope"].finditer(prefix)
                        if not _own(m.group(), agency)), None)
    part = rules["part"].search(clause) and not claim.get("part_ok")
    definite = rules["qualifier"].search(sentence) and not other_scope and not part
    agrees = any(abs(v - stated) <= TOLERANCE for _, v in cells)
    return {"claim": claim["id"], "sentence": sentence, "stated": stated,
            "cells": [{"cell": ref, "value": v} for ref, v in cells],
            "scope": other_scope.group() if other_scope else "own",
            "ok": True if agrees else (False if definite else None)}


def _verb_is(verbs: re.Pattern, context: re.Pattern, clause: str, prefix: str,
             match: re.Match) -> bool:
    """The last verb before the number (in its clause, else before it in the sentence) is one
    of `context`: 主动公开规章13件（含新制定5件） publishes 13 and makes 5."""
    before = clause[:len(clause) - len(match.group())] or ""
    found = verbs.findall(before) or verbs.findall(prefix[:match.start()])
    return bool(found) and context.fullmatch(found[-1]) is not None


def claims(tables: Tables, sections: list[Section], year: int | None = None,
           agency: str | None = None) -> list[dict]:
    """Every total the prose states that a table cell can be compared with."""
    rules = _claim_rules()
    out = []
    for sentence in _sentences(sections):
        for claim in rules["claims"]:
            for pattern in claim["patterns"]:
                found = [_claim(tables, rules, claim, sentence, m, year, agency or "")
                         for m in pattern.finditer(sentence)]
                found = [f for f in found if f]
                if found:
                    out += found
                    break
    return out


def text_table(tables: Tables, sections: list[Section], year: int | None = None,
               agency: str | None = None) -> Check | None:
    """The `text_table` check: false when a definite claim of the report's own scope disagrees
    with its cell, null when only claims of uncertain scope disagree, None without claims."""
    found = claims(tables, sections, year, agency)
    if not found:
        return None
    states = [c["ok"] for c in found]
    ok = False if False in states else (None if None in states else True)
    failures = [f"{c['claim']}: prose {_fmt(c['stated'])} ≠ {c['cells'][0]['cell']} "
                f"{_fmt(c['cells'][0]['value'])} ({c['sentence'][:40]})"
                for c in found if c["ok"] is not True]
    return Check(rule="text_table", ok=ok, detail="; ".join(failures) or None,
                 evidence={"claims": found})
