"""One PDF page read from its text layer (pdfplumber) into positioned lines and tables.

Fake-bold doubles are removed (`dedupe_chars`), ruled tables are found with pdfplumber's
table finder and turned into span-aware grids, and only the characters outside the tables
become text lines. `broken_text` tells whether a text layer is unusable ((cid:N) runs,
private-use or replacement characters, mojibake) so the reader can fall back.
"""
from __future__ import annotations

import re
import statistics
from typing import Callable

from .pdf_items import Line, PageItems, TableItem, join_wrapped, tidy
from .pdf_tables import table_item
from .pdf_unruled import segments_from_chars, unruled_tables

_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_CID = re.compile(r"\(cid:\d+\)")


def _bad_char(ch: str) -> bool:
    o = ord(ch)
    return (0xE000 <= o <= 0xF8FF or o == 0xFFFD or 0x80 <= o <= 0x24F or o < 0x20
            or 0xF0000 <= o)


def broken_text(text: str) -> bool:
    """True when a page's extracted text is mostly unreadable."""
    text = _CID.sub("\ufffd", re.sub(r"\s+", "", text))
    if not text:
        return False
    bad = sum(1 for ch in text if _bad_char(ch))
    return bad / len(text) > 0.1


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _cell_text(text: str | None) -> str:
    return join_wrapped((text or "").splitlines())


def ruled_tables(page, read_cell: Callable[[tuple], str] | None = None) -> list[TableItem]:
    """Tables drawn with ruling lines, as span-aware grids.

    Cell text comes from pdfplumber, or from `read_cell(box)` when given (another text source).
    """
    items = []
    for found in page.find_tables(_RULED):
        boxes, texts = [], []
        printed_rows = found.extract() if read_cell is None else [[None] * len(r.cells) for r in found.rows]
        for row, printed in zip(found.rows, printed_rows):
            for box, text in zip(row.cells, printed):
                if box is not None:
                    boxes.append(box)
                    texts.append(_cell_text(text if read_cell is None else read_cell(box)))
        if len(boxes) >= 2:
            items.append(table_item(boxes, texts, page.width, tol=2.0))
    return items


def _line(raw: dict) -> Line:
    sizes = [c.get("size", 0) for c in raw.get("chars", [])]
    return Line(tidy(raw["text"]), raw["x0"], raw["x1"], raw["top"], raw["bottom"],
                size=statistics.median(sizes) if sizes else 0.0,
                segments=segments_from_chars(raw.get("chars", [])))


def has_doubled_chars(chars: list[dict], tolerance: float = 1.0) -> bool:
    """Whether some character is printed twice at (nearly) the same place (fake bold).
    A cheap look (buckets of `tolerance` points) before pdfplumber's `dedupe_chars`,
    which costs ~30 ms a page."""
    seen: dict[tuple[str, int, int], list[dict]] = {}
    for c in chars:
        bx, by = int(c["x0"] // tolerance), int(c["top"] // tolerance)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in seen.get((c["text"], bx + dx, by + dy), ()):
                    if abs(other["x0"] - c["x0"]) <= tolerance and abs(other["top"] - c["top"]) <= tolerance:
                        return True
        seen.setdefault((c["text"], bx, by), []).append(c)
    return False


def page_items(page, number: int) -> tuple[PageItems, str]:
    """The page's tables and non-table lines, plus its raw text for the broken-layer test."""
    if has_doubled_chars(page.chars):
        page = page.dedupe_chars()
    tables = ruled_tables(page)
    boxes = [_bbox(t) for t in tables]
    body = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
    raw_lines = body.extract_text_lines(return_chars=True)
    lines = [_line(r) for r in raw_lines if r["text"].strip()]
    more = unruled_tables(lines, page.width) if not tables else []
    if more:
        boxes = [_bbox(t) for t in more]
        lines = [ln for ln in lines if not _inside(vars(ln), boxes)]
        tables += more
    raw = "".join(r["text"] for r in raw_lines) + "".join(
        c.text for t in tables for c in t.table.cells)
    return PageItems(number, page.width, page.height, lines=lines, tables=tables), raw


def _bbox(item: TableItem) -> tuple[float, float, float, float]:
    return (item.x0, item.top, item.x1, item.bottom)
