"""Plain text / Markdown reader: paragraphs by blank lines, tables as tab-separated rows.

`#` headings become heading blocks; a run of lines holding tabs is one table (a line
without tabs between two tabbed lines belongs to it). Text copied from a web page often has
no blank lines at all, one paragraph per line: there a line that opens with a chapter or item
marker (一、 （二） 3. 一是, config/layout.yaml) or follows a finished sentence starts a new
block, and a line cut mid-sentence (hard-wrapped text) continues the one before.
"""
from __future__ import annotations

import re

from ..layout import Block, Layout, Table
from ..settings import Settings
from .encoding import decode
from .layout_rules import MARKER as _MARKER

_MD_HEADING = re.compile(r"^(#{1,6})\s*(.+?)\s*#*$")
_SENTENCE_END = re.compile(r"[。！？!?；;：:]$")


_HEADING_CHARS = 30


def _opens_block(prev: str, line: str) -> bool:
    """Whether `line` starts a new paragraph inside a run of lines with no blank between: it
    opens with a marker, or follows a finished sentence or a short marked heading line."""
    heading = bool(_MARKER.match(prev)) and len(prev) <= _HEADING_CHARS
    return bool(_MARKER.match(line) or _SENTENCE_END.search(prev) or heading)


def read_text(data: bytes, settings: Settings) -> Layout:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    return Layout(blocks=blocks_from_lines(text.split("\n")))


def blocks_from_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    table_rows: list[list[str]] = []
    para: list[str] = []

    def flush_para() -> None:
        if para:
            blocks.append(Block("paragraph", "\n".join(para)))
            para.clear()

    def flush_table() -> None:
        if table_rows:
            blocks.append(Block("table", table=Table.from_rows(table_rows)))
            table_rows.clear()

    for i, raw in enumerate(lines):
        line = raw.rstrip(" \r\n\u3000")
        if "\t" in line or (table_rows and _between_tabbed(lines, i)):
            flush_para()
            table_rows.append([c.strip() for c in line.split("\t")])
            continue
        flush_table()
        if not line.strip():
            flush_para()
            continue
        m = _MD_HEADING.match(line.strip())
        if m:
            flush_para()
            blocks.append(Block("heading", m.group(2), level=len(m.group(1))))
            continue
        if para and _opens_block(para[-1], line.strip()):
            flush_para()
        para.append(line.strip())
    flush_para()
    flush_table()
    return blocks


def _between_tabbed(lines: list[str], i: int) -> bool:
    """A tab-less, non-blank line directly followed by a tabbed one continues the table."""
    return bool(lines[i].strip()) and i + 1 < len(lines) and "\t" in lines[i + 1]
