"""A page's text read through pypdfium2, for pages whose pdfminer text layer is broken.

pdfium decodes some fonts that pdfminer cannot (odd encodings, CMaps it lacks). Lines come
from pdfium's text rectangles; tables keep pdfplumber's ruling geometry, with each cell's
text read from pdfium inside the cell box.
"""
from __future__ import annotations

from .pdf_items import PageItems, Segment, group_lines
from .pdf_page import ruled_tables


def _rects(textpage, height: float) -> list[Segment]:
    out = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            out.append(Segment(text, left, right, height - top, height - bottom))
    return out


def pdfium_items(pdfium_page, plumber_page, number: int) -> tuple[PageItems, str]:
    """Tables and lines of one page with pdfium's text; also the raw text for checking."""
    width, height = pdfium_page.get_size()
    textpage = pdfium_page.get_textpage()
    try:
        def read_cell(box: tuple) -> str:
            x0, top, x1, bottom = box
            return textpage.get_text_bounded(x0, height - bottom, x1, height - top)

        tables = ruled_tables(plumber_page, read_cell)
        boxes = [(t.x0, t.top, t.x1, t.bottom) for t in tables]
        segs = [s for s in _rects(textpage, height)
                if not any(b[0] <= (s.x0 + s.x1) / 2 <= b[2] and b[1] <= (s.top + s.bottom) / 2 <= b[3]
                           for b in boxes)]
        lines = group_lines(segs)
        raw = "".join(ln.text for ln in lines) + "".join(c.text for t in tables for c in t.table.cells)
    finally:
        textpage.close()
    return PageItems(number, width, height, lines=lines, tables=tables), raw
