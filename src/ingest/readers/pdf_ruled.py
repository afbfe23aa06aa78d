"""Ruled tables of a PDF page: edges -> intersections -> cells -> tables, then cell text.

Each step is "given X, return Y": `ruling_edges` snaps, joins and filters the page's straight
edges (and `close_open_ends` adds the border rules a grid leaves out), `table_cells` turns
them into each table's cell boxes with pdfplumber's own steps, `chars_by_cell` puts the
characters into the cells, and `ruled_tables` makes span-aware grids of them.
"""
from __future__ import annotations

import bisect
import re

from pdfplumber.table import (TableSettings, cells_to_tables, edges_to_intersections,
                              intersections_to_cells, merge_edges)
from pdfplumber.utils import extract_text, filter_edges

from .pdf_content import Obj, PageContent
from .pdf_items import TableItem, join_wrapped
from .pdf_tables import Box, table_item

RULED = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})


def centre_in(obj: Obj, box: Box) -> bool:
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
            if centre_in(ch, boxes[k]):
                out[k].append(ch)
    return out


def cell_text(chars: list[Obj]) -> str:
    """The text of one cell's characters, wrapped lines joined."""
    return join_wrapped(extract_text(chars).splitlines()) if chars else ""


PROSE = re.compile(r"[，。；！？]")  # sentence punctuation
PROSE_CHARS = 20  # a cell across the whole grid holding this many characters of sentences is prose


def _prose(box: Box, text: str, left: float, right: float, tol: float = 2.0) -> bool:
    """A cell as wide as its grid holding a line or more of sentences: a framed paragraph."""
    return (box[0] <= left + tol and box[2] >= right - tol and len(text) >= PROSE_CHARS
            and bool(PROSE.search(text)))


def without_frames(boxes: list[Box], texts: list[str]) -> tuple[list[Box], list[str]]:
    """Given a grid's cells, return those of the table it holds, if any: the rows of framed
    prose above and below it (Word and WPS box every line of a text frame) cut off, nothing
    when it is a single column or when framed prose is most of its text. A table is a grid
    of several rows and columns of short cells; a frame around paragraphs is not."""
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    cells = sorted(zip(boxes, texts), key=lambda bt: (bt[0][1], bt[0][0]))

    def alone(k: int) -> bool:  # the only cell of its row band
        box = cells[k][0]
        return not any(o[1] < box[3] - 1 and box[1] < o[3] - 1 for j, (o, _) in enumerate(cells) if j != k)

    while cells and _prose(*cells[0], left, right) and alone(0):
        cells.pop(0)
    while cells and _prose(*cells[-1], left, right) and alone(len(cells) - 1):
        cells.pop()
    if len(cells) < 2:
        return [], []
    xs = {round(b[0]) for b, _ in cells} | {round(b[2]) for b, _ in cells}
    total = sum(len(t) for _, t in cells)
    prose = sum(len(t) for b, t in cells if _prose(b, t, left, right))
    if len(xs) < 3 or (total and prose > total / 2):
        return [], []
    return [b for b, _ in cells], [t for _, t in cells]


def ruled_tables(content: PageContent, chars: list[Obj]) -> list[TableItem]:
    """Tables drawn with ruling lines, as span-aware grids; grids that frame paragraphs
    give their text back to the page (see `without_frames`)."""
    if not content.edges:
        return []
    items = []
    for boxes in table_cells(ruling_edges(content.edges)):
        if len(boxes) >= 2:
            texts = [cell_text(inside) for inside in chars_by_cell(chars, boxes)]
            boxes, texts = without_frames(boxes, texts)
            if boxes:
                items.append(table_item(boxes, texts, content.width, tol=2.0))
    return items
