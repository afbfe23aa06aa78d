"""Checks stage: the report's own arithmetic (RECORD.md, checks).

Given the canonical tables, return one `Check` per rule that can be evaluated; a rule
whose table is missing is left out. `detail` names the failing column, row or group
and by how much.
"""
from __future__ import annotations

from typing import Callable, Iterable

from .record import Check, Table, Tables

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


def run(tables: Tables) -> list[Check]:
    """One Check per rule whose table is present."""
    out = []
    for rule, (table_name, fn) in RULES.items():
        table = getattr(tables, table_name)
        if not table:
            continue
        failures = fn(table)
        out.append(Check(rule=rule, ok=not failures, detail="; ".join(failures) or None))
    return out
