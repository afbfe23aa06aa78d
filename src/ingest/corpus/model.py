"""A generated report, before rendering: the single source of both the document and its gold.

Renderers turn a `ReportSpec` into bytes; `build.gold_record` turns it into the record a
perfect parser would return. Tables are `ingest.layout.Table` grids (cells with spans) beside
their canonical values, so every format prints the same cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..layout import Table


@dataclass
class Para:
    """A paragraph of a section; `sub` marks a sub-heading line such as （一）主动公开."""

    text: str
    sub: bool = False


@dataclass
class TableBlock:
    kind: str  # proactive | requests | review_litigation
    table: Table


@dataclass
class SectionSpec:
    id: str
    heading: str  # as printed, e.g. 一、总体情况
    blocks: list[Para | TableBlock] = field(default_factory=list)

    def text(self) -> str:
        """The section body as the record has it: paragraphs, no table cells."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Para))


@dataclass
class Style:
    """Rendering choices drawn once per report so every format of it looks alike."""

    heading_level: int = 2          # TXT: number of '#' before section headings; 0: mixed
    txt_wrap: bool = False          # TXT: paragraphs hard-wrapped as if copied out of a PDF
    title_spaced: bool = False      # 石龙区科学技术局 2024 年… as printed
    running_header: bool = False    # PDF: a running header line on each page
    page_numbers: str = "- {n} -"   # PDF footer pattern; "" for none
    split_in_row: bool = False      # PDF: a table may break inside a merged cell
    html_skin: int = 0              # which gov-CMS chrome
    html_encoding: str = "utf-8"    # utf-8 | gbk
    html_headings: str = "h3"       # h3 | strong | p
    docx_heading_styles: bool = False
    font_size: float = 11.0


@dataclass
class ReportSpec:
    name: str
    agency: str
    year: int
    template: str                   # 2021 | 2019 | legacy
    title: str                      # as printed (may contain spaces)
    lead: list[str]
    sections: list[SectionSpec]
    signature: str | None
    date_text: str | None           # as printed, e.g. 二〇二五年一月二十日
    report_date: str | None         # YYYY-MM-DD
    tables: dict[str, dict | None]  # canonical values (RECORD.md keys)
    cell_text: dict[str, dict[str, dict[str, str]]]
    statements: list[dict]
    broken: str | None = None       # which identity the printed numbers break, if any
    style: Style = field(default_factory=Style)
    appendix: list[Para | TableBlock] = field(default_factory=list)  # after the 落款 (HTML), not a section

    @property
    def clean_title(self) -> str:
        return "".join(self.title.split())
