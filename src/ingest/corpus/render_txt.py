"""Plain-text rendering: markdown-ish headings, paragraphs, tables as tab-separated grid rows."""
from __future__ import annotations

from ..layout import Table
from .model import ReportSpec, TableBlock


def table_lines(table: Table) -> list[str]:
    """Each grid row as tab-separated cell texts; a position covered by a span prints empty."""
    lines = []
    for r, row in enumerate(table.grid()):
        texts = [cell.text if cell is not None and cell.row == r and cell.col == c else ""
                 for c, cell in enumerate(row)]
        lines.append("\t".join(texts))
    return lines


def wrap(text: str, width: int) -> list[str]:
    """Hard line breaks every `width` characters, as text copied out of a PDF has them."""
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def render(spec: ReportSpec) -> bytes:
    def para(text: str) -> list[str]:
        return wrap(text, 37) if spec.style.txt_wrap else [text]

    out = ["", "", f"# {spec.title}", ""]
    for lead in spec.lead:
        out += para(lead) + [""]
    for i, sec in enumerate(spec.sections):
        level = "#" * (spec.style.heading_level or 2 + i % 3)
        out += [f"{level} {sec.heading}", ""]
        for block in sec.blocks:
            out += (table_lines(block.table) if isinstance(block, TableBlock) else para(block.text)) + [""]
    out += [line for line in (spec.signature, spec.date_text) if line]
    return ("\n".join(out) + "\n").encode("utf-8")
