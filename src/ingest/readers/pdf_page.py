"""One PDF page's content (see `pdf_content`) into positioned text lines and tables.

Watermarks and fake-bold doubles are removed, ruled tables are found (`pdf_ruled`), only
the characters outside the tables become text lines, and a page without ruled tables is
looked at for tables aligned by whitespace (`pdf_unruled`). `broken_text` tells whether a text layer
is unusable ((cid:N) runs, private-use or replacement characters, mojibake) so the reader
can fall back.
"""
from __future__ import annotations

import re
import statistics

from pdfplumber.utils import chars_to_textmap, dedupe_chars

from .pdf_content import Obj, PageContent
from .pdf_items import Line, PageItems, TableItem, line_text, tidy
from .pdf_ruled import centre_in, ruled_tables
from .pdf_tables import Box
from .pdf_unruled import segments_from_chars, unruled_tables

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


def _line(raw: dict) -> Line:
    sizes = [c.get("size", 0) for c in raw.get("chars", [])]
    return Line(tidy(line_text(raw.get("chars") or []) or raw["text"]), raw["x0"], raw["x1"], raw["top"], raw["bottom"],
                size=statistics.median(sizes) if sizes else 0.0,
                segments=segments_from_chars(raw.get("chars", [])))


def text_lines(chars: list[Obj]) -> list[Line]:
    """Characters grouped into positioned lines (pdfplumber's text map)."""
    if not chars:
        return []
    raw_lines = chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True)
    return [_line(r) for r in raw_lines if r["text"].strip()]


def has_doubled_chars(chars: list[dict], tolerance: float = 1.0) -> bool:
    """Whether some character is printed twice at (nearly) the same place (fake bold).
    A cheap look (columns of `tolerance` points) before pdfplumber's `dedupe_chars`,
    which costs ~30 ms a page."""
    seen: dict[tuple[str, int], list[dict]] = {}
    for c in chars:
        column = int(c["x0"] // tolerance)
        for dx in (-1, 0, 1):
            for other in seen.get((c["text"], column + dx), ()):
                if abs(other["x0"] - c["x0"]) <= tolerance and abs(other["top"] - c["top"]) <= tolerance:
                    return True
        seen.setdefault((c["text"], column), []).append(c)
    return False


DIAGONAL = 5.0  # degrees off the page's axes beyond which a character is a slanted stamp
FAINT = 0.8  # lightness (0 black .. 1 white) above which a character is a pale watermark


def legible(chars: list[Obj]) -> list[Obj]:
    """Given a page's characters, return those printed as text: not slanted across the page
    (a diagonal watermark or stamp) and not pale (a light-grey or see-through watermark)."""
    def text(c: Obj) -> bool:
        off_axis = c.get("angle", 0.0) % 90
        return min(off_axis, 90 - off_axis) <= DIAGONAL and c.get("lightness", 0.0) <= FAINT
    return [c for c in chars if text(c)]


def page_items(content: PageContent) -> tuple[PageItems, str]:
    """The page's tables and non-table lines, plus its raw text for the broken-layer test."""
    chars = legible(content.chars)
    if has_doubled_chars(chars):
        chars = dedupe_chars(chars, extra_attrs=("size",))
    tables = ruled_tables(content, chars)
    boxes = [_bbox(t) for t in tables]
    lines = text_lines([c for c in chars if not any(centre_in(c, b) for b in boxes)])
    more = unruled_tables(lines, content.width) if not tables else []
    if more:
        boxes = [_bbox(t) for t in more]
        lines = [ln for ln in lines if not any(centre_in(vars(ln), b) for b in boxes)]
        tables += more
    raw = "".join(ln.text for ln in lines) + "".join(c.text for t in tables for c in t.table.cells)
    return PageItems(content.number, content.width, content.height, lines=lines, tables=tables), raw


def _bbox(item: TableItem) -> Box:
    return (item.x0, item.top, item.x1, item.bottom)
