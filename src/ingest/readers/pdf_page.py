"""One PDF page's content (see `pdf_content`) into positioned text lines and tables.

Fake-bold doubles are removed, ruled tables are found with pdfplumber's table-finder steps
(edges → intersections → cells → tables) and turned into span-aware grids, and only the
characters outside the tables become text lines. `broken_text` tells whether a text layer
is unusable ((cid:N) runs, private-use or replacement characters, mojibake) so the reader
can fall back.
"""
from __future__ import annotations

import bisect
import re
import statistics

from pdfplumber.table import (TableSettings, cells_to_tables, edges_to_intersections,
                              intersections_to_cells, merge_edges)
from pdfplumber.utils import chars_to_textmap, dedupe_chars, extract_text, filter_edges

from .pdf_content import Obj, PageContent
from .pdf_items import Line, PageItems, TableItem, join_wrapped, tidy
from .pdf_tables import Box, table_item
from .pdf_unruled import segments_from_chars, unruled_tables

RULED = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
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


def _centre_in(obj: Obj, box: Box) -> bool:
    """pdfplumber's rule for a character inside a cell: its centre, right/bottom edge open."""
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]


def ruling_edges(edges: list[Obj]) -> list[Obj]:
    """Given a page's straight edges, return them snapped, joined and long enough to rule."""
    edges = [e for e in edges if e.get("orientation") in ("v", "h")]
    edges = merge_edges(filter_edges(edges, min_length=RULED.edge_min_length_prefilter),
                        snap_x_tolerance=RULED.snap_x_tolerance, snap_y_tolerance=RULED.snap_y_tolerance,
                        join_x_tolerance=RULED.join_x_tolerance, join_y_tolerance=RULED.join_y_tolerance)
    return close_open_ends(filter_edges(edges, min_length=RULED.edge_min_length))


def close_open_ends(edges: list[Obj], tol: float = 1.0) -> list[Obj]:
    """Given ruling edges, add the border rules a grid leaves out, so its outer cells close.

    A table continued from the previous page often prints its first row without the rule
    above it, and many tables print no left and right borders. Rules that stop at the same
    place (verticals starting at one height, horizontals starting at one x), crossed further
    in by a rule of the other direction, get a rule across their open ends."""
    added: dict[tuple, Obj] = {}
    for along in ("v", "h"):
        lines = [_axis(e) for e in edges if e["orientation"] == along]
        closers = [_axis(e) for e in edges if e["orientation"] != along]
        for side in (0, 1):  # the lines' start (top / left), then their end (bottom / right)
            for group in _groups(lines, side, tol):
                at = group[0][1 + side]
                for pos, lo, hi in closers:
                    crossed = [ln[0] for ln in group if lo - tol <= ln[0] <= hi + tol
                               and (at + tol < pos <= ln[2] + tol if side == 0 else ln[1] - tol <= pos < at - tol)]
                    if len(crossed) >= 2 and not _covered(closers, at, min(crossed), max(crossed)):
                        rule = _rule("h" if along == "v" else "v", at, min(crossed), max(crossed))
                        added[(rule["orientation"], rule["x0"], rule["top"], rule["x1"], rule["bottom"])] = rule
    return edges + list(added.values())


def _axis(edge: Obj) -> tuple[float, float, float]:
    """An edge as (position across it, start along it, end along it)."""
    if edge["orientation"] == "v":
        return edge["x0"], edge["top"], edge["bottom"]
    return edge["top"], edge["x0"], edge["x1"]


def _covered(closers: list[tuple[float, float, float]], at: float, lo: float, hi: float) -> bool:
    return any(abs(pos - at) <= RULED.snap_tolerance and a <= lo + RULED.join_tolerance
               and b >= hi - RULED.join_tolerance for pos, a, b in closers)


def _rule(orientation: str, at: float, lo: float, hi: float) -> Obj:
    x0, top, x1, bottom = (lo, at, hi, at) if orientation == "h" else (at, lo, at, hi)
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}


def _groups(lines: list[tuple[float, float, float]], side: int, tol: float) -> list[list[tuple]]:
    """Lines whose start (side 0) or end (side 1) lies within `tol` of the previous one's."""
    out: list[list[tuple]] = []
    for line in sorted(lines, key=lambda ln: ln[1 + side]):
        if out and line[1 + side] - out[-1][-1][1 + side] <= tol:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def table_cells(edges: list[Obj]) -> list[list[Box]]:
    """Given ruling edges, return each table's cell boxes, top to bottom, left to right."""
    points = edges_to_intersections(edges, RULED.intersection_x_tolerance, RULED.intersection_y_tolerance)
    return [sorted(cells, key=lambda b: (b[1], b[0]))
            for cells in cells_to_tables(intersections_to_cells(points))]


def chars_by_cell(chars: list[Obj], boxes: list[Box]) -> list[list[Obj]]:
    """Given characters and a table's cell boxes, return the characters inside each box
    (in their printed order), looking only at the cells of the row band a character is in."""
    ys = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
    bands: list[list[int]] = [[] for _ in ys]
    for k, box in enumerate(boxes):
        for i in range(bisect.bisect_left(ys, box[1]), bisect.bisect_left(ys, box[3])):
            bands[i].append(k)
    out: list[list[Obj]] = [[] for _ in boxes]
    for ch in chars:
        band = bisect.bisect_right(ys, (ch["top"] + ch["bottom"]) / 2) - 1
        for k in bands[band] if 0 <= band < len(ys) else ():
            if _centre_in(ch, boxes[k]):
                out[k].append(ch)
    return out


def cell_text(chars: list[Obj]) -> str:
    """The text of one cell's characters, wrapped lines joined."""
    return join_wrapped(extract_text(chars).splitlines()) if chars else ""


def ruled_tables(content: PageContent, chars: list[Obj]) -> list[TableItem]:
    """Tables drawn with ruling lines, as span-aware grids."""
    if not content.edges:
        return []
    items = []
    for boxes in table_cells(ruling_edges(content.edges)):
        if len(boxes) >= 2:
            texts = [cell_text(inside) for inside in chars_by_cell(chars, boxes)]
            items.append(table_item(boxes, texts, content.width, tol=2.0))
    return items


def _line(raw: dict) -> Line:
    sizes = [c.get("size", 0) for c in raw.get("chars", [])]
    return Line(tidy(raw["text"]), raw["x0"], raw["x1"], raw["top"], raw["bottom"],
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
    lines = text_lines([c for c in chars if not any(_centre_in(c, b) for b in boxes)])
    more = unruled_tables(lines, content.width) if not tables else []
    if more:
        boxes = [_bbox(t) for t in more]
        lines = [ln for ln in lines if not any(_centre_in(vars(ln), b) for b in boxes)]
        tables += more
    raw = "".join(ln.text for ln in lines) + "".join(c.text for t in tables for c in t.table.cells)
    return PageItems(content.number, content.width, content.height, lines=lines, tables=tables), raw


def _bbox(item: TableItem) -> Box:
    return (item.x0, item.top, item.x1, item.bottom)
