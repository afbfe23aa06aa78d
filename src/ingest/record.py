"""The record: what one parsed report is (see docs/RECORD.md, the contract).

Pydantic models that serialise to exactly the JSON of `record.schema.json`.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

SectionId = Literal[
    "preamble", "overview", "proactive", "requests", "review_litigation", "problems", "other_matters"
]
SECTION_IDS: tuple[str, ...] = SectionId.__args__  # type: ignore[attr-defined]
StatementType = Literal["problem", "improvement", "other"]
Template = Literal["2021", "2019", "legacy"]
CheckRule = Literal["requests_balance", "requests_results_total", "requests_row_totals", "review_totals",
                    "text_table", "carry_over"]

# {row_key: {column_key: number}}
Table = dict[str, dict[str, int | float]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    uri: str
    sha256: str
    media_type: str
    pages: int | None = None
    ocr_pages: list[int] = Field(default_factory=list, description="1-based pages read by OCR")


class Meta(_Model):
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    report_date: str | None = None
    template: Template = "legacy"


class Section(_Model):
    id: SectionId
    heading: str | None = None
    text: str = ""


class Tables(_Model):
    proactive: Table | None = None
    requests: Table | None = None
    review_litigation: Table | None = None


class Statement(_Model):
    section: str
    type: StatementType
    text: str
    themes: list[str] = Field(default_factory=list)
    # optional (RECORD.md): {theme id: probability} for the themes above a floor
    theme_scores: dict[str, float] | None = None


class Check(_Model):
    rule: CheckRule
    ok: bool | None  # None: could not be decided (a claim of another scope)
    detail: str | None = None
    evidence: dict | None = None  # optional: the sentence and the cell, or both reports' values


class Record(_Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    source: Source
    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=list)
    tables: Tables = Field(default_factory=Tables)
    statements: list[Statement] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    # Not part of the contract's required keys (RECORD.md allows additions): each table
    # cell's text as printed ("—", "25.10", "251000元") beside the number in `tables`.
    cell_text: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    # optional (RECORD.md): what the parser was unsure of; left out of the JSON when empty
    warnings: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The record as the contract's JSON object; optional keys only where they say something."""
        data = self.model_dump(mode="json")
        if not data["warnings"]:
            del data["warnings"]
        for statement in data["statements"]:
            if statement.get("theme_scores") is None:
                statement.pop("theme_scores", None)
        for check in data["checks"]:
            if check.get("evidence") is None:
                check.pop("evidence", None)
        return data
