"""Pages of positioned lines and tables -> layout blocks in reading order.

Removes page furniture (running headers and footers repeated on most pages, page numbers),
rebuilds paragraphs from wrapped lines (a new block starts at an enumeration or heading
marker, after a line that ends short of the right margin, at a first-line indent, a wider
vertical gap or a change of font size), joins a paragraph or a table that continues on the
next page, and keeps tables in place between the paragraphs around them.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..layout import Block
from .layout_rules import CONTINUED, MARKER, PAGE_NUMBER, ZONE
from .pdf_items import Line, PageItems, TableItem, join_wrapped
from .pdf_tables import columns_match, stitch


END = re.compile(r"[。！？；：:;!?）)」』】”]\s*$|^.{0,15}$")  # sentence end, or a short label line


def _in_zone(line: Line, page: PageItems) -> bool:
    return line.bottom < page.height * ZONE or line.top > page.height * (1 - ZONE)


def _key(line: Line, page: PageItems) -> tuple[bool, str]:
    """A zone line as furniture repeats it: at the top or the bottom, digits aside. The
    agency heading a title at the top of page 1 is not the signature at the foot of the last."""
    return line.top < page.height / 2, re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))


def remove_furniture(pages: list[PageItems]) -> None:
    """Drop page numbers, header/footer lines repeated on most pages and "(续表)" marks, in place."""
    sizes = sorted(ln.size for p in pages for ln in p.lines if ln.size)
    body = sizes[len(sizes) // 2] if sizes else 0.0

    def small(line: Line) -> bool:  # running heads are never printed bigger than the body
        return not (body and line.size > 1.15 * body)

    seen = Counter(k for p in pages for k in {_key(ln, p) for ln in p.lines if _in_zone(ln, p) and small(ln)})
    need = max(2, (len(pages) + 1) // 2)
    for page in pages:
        page.lines = [ln for ln in page.lines if not CONTINUED.match(ln.text.strip()) and not (
            _in_zone(ln, page) and (PAGE_NUMBER.match(ln.text.strip())
                                    or (len(pages) > 1 and small(ln) and seen[_key(ln, page)] >= need)))]


@dataclass
class _Margins:
    left: float
    right: float
    gap: float  # usual space between two lines of a paragraph
    size: float = 0.0  # body font size (line height where the size is unknown)


def _margins(lines: list[Line]) -> _Margins:
    if not lines:
        return _Margins(0, 0, 0)
    lefts = Counter(round(ln.x0) for ln in lines)
    left = min(x for x, n in lefts.items() if n >= max(1, lefts.most_common(1)[0][1] // 3))
    rights = sorted(ln.x1 for ln in lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if 0 <= b.top - a.bottom < 3 * _h(a)]
    sizes = [_h(ln) for ln in lines]
    return _Margins(left, right, statistics.median(gaps) if gaps else 0.0,
                    statistics.median(sizes) if sizes else 0.0)


def _h(line: Line) -> float:
    return line.size or line.height or 10.0


def _centered(line: Line, m: _Margins) -> bool:
    left, right = line.x0 - m.left, m.right - line.x1
    return left > 2 * _h(line) and right > 2 * _h(line) and abs(left - right) < 2 * _h(line)


def starts_block(prev: Line | None, line: Line, m: _Margins, same_page: bool) -> bool:
    """Whether `line` opens a new paragraph rather than continuing `prev`."""
    if prev is None or MARKER.match(line.text):
        return True
    h = _h(line)
    if prev.size and line.size and abs(prev.size - line.size) > 1:
        return True
    if same_page and line.top - prev.bottom > m.gap + 0.6 * h:
        return True
    if _centered(line, m) and (_centered(prev, m) or (m.size and _h(line) > 1.2 * m.size)):
        return False  # a centred or large-type title wrapped over lines
    if line.x0 > m.left + 1.2 * h:
        return True  # first-line indent
    short = prev.x1 < m.right - 1.5 * h
    # a line cut short mid-sentence (line-breaking rules around quotes) still continues
    return short and (bool(END.search(prev.text)) or bool(MARKER.match(prev.text)))


def _margins_by_width(pages: list[PageItems]) -> dict[int, _Margins]:
    groups: dict[int, list[Line]] = {}
    for page in pages:
        groups.setdefault(round(page.width), []).extend(sorted(page.lines, key=lambda ln: ln.top))
    return {w: _margins(lines) for w, lines in groups.items()}


class _Flow:
    """Blocks being built: the open paragraph, the last line and the last table seen."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.para: list[Line] = []
        self.para_page = 0
        self.prev: Line | None = None
        self.prev_page = 0
        self.last_table: TableItem | None = None
        self.table_page = 0

    def flush(self) -> None:
        if self.para:
            self.blocks.append(Block("paragraph", join_wrapped([ln.text for ln in self.para]), page=self.para_page))
            self.para = []

    def add_table(self, item: TableItem, page: int, first_on_page: bool) -> None:
        """A table, stitched onto the previous page's closing table when it continues it."""
        self.flush()
        continues = (first_on_page and self.last_table is not None and self.table_page == page - 1
                     and self.blocks and self.blocks[-1].kind == "table"
                     and columns_match(self.last_table, item))
        if continues:
            self.last_table = stitch(self.last_table, item)
            self.blocks[-1].table = self.last_table.table
        else:
            self.last_table = item
            self.blocks.append(Block("table", page=page, table=item.table))
        self.table_page, self.prev = page, None

    def add_line(self, line: Line, page: int, m: _Margins) -> None:
        if starts_block(self.prev, line, m, same_page=self.prev_page == page):
            self.flush()
            self.para_page = page
        self.para.append(line)
        self.prev, self.prev_page, self.last_table = line, page, None


def to_blocks(pages: list[PageItems]) -> list[Block]:
    """Paragraph and table blocks in reading order across `pages` (furniture already removed)."""
    margins = _margins_by_width(pages)
    flow = _Flow()
    for page in pages:
        for i, item in enumerate(page.ordered()):
            if isinstance(item, TableItem):
                flow.add_table(item, page.number, first_on_page=i == 0)
            else:
                flow.add_line(item, page.number, margins[round(page.width)])
    flow.flush()
    return flow.blocks
