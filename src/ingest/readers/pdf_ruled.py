"""Ruled tables of a PDF page: edges -> intersections -> cells -> tables, then cell text.

Each step is "given X, return Y": `ruling_edges` snaps, joins and filters the page's straight
edges (and `close_open_ends` adds the border rules a grid leaves out), `table_cells` turns
them into each table's cell boxes with pdfplumber's own steps, `chars_by_cell` puts the
characters into the cells, and `ruled_tables` makes span-aware grids of them, after
`tables_in_frames` has cut out the text frame a grid may be (paragraphs in boxes are not a
table).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pdfplumber.table import (TableSettings, cells_to_tables, edges_to_intersections,
                              intersections_to_cells, merge_edges)
from pdfplumber.utils import cluster_objects, filter_edges

from .pdf_content import Obj, PageContent
from .pdf_items import TableItem, join_wrapped, line_text
from .pdf_tables import Box, cluster, table_item

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
    in by a rule of the other direction, get a rule across their open ends, out to the
    table's sides where those run on (a box drawn around the page on the table's sides)."""
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
                    if len(crossed) < 2:
                        continue
                    # a side that runs on past the open end (a frame's side on the table's side)
                    # is where the rule across the open end stops
                    through = [ln[0] for ln in lines if ln[1] < at - tol and ln[2] > at + tol
                               and lo - tol <= ln[0] <= hi + tol]
                    start = max((x for x in through if x < min(crossed)), default=min(crossed))
                    end = min((x for x in through if x > max(crossed)), default=max(crossed))
                    if not _covered(closers, at, start, end):
                        rule = _rule("h" if along == "v" else "v", at, start, end)
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
    if not chars:
        return ""
    lines = cluster_objects(chars, "top", tolerance=3)  # pdfplumber's y_tolerance
    return join_wrapped([line_text(sorted(line, key=lambda c: c["x0"])) for line in lines])


PROSE = re.compile(r"[，。；！？]")  # sentence punctuation
PROSE_CHARS = 20  # a cell across the whole grid holding this many characters of sentences is prose
CHAPTER = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")  # a report chapter's heading: 三、…


@dataclass
class _Cell:
    box: Box
    text: str
    lines: int  # text lines inside


def _frame_text(cell: _Cell) -> bool:
    """What a text frame's space holds, not a table row: nothing, paragraphs (several lines,
    or a line of sentences), or a chapter heading."""
    text = cell.text
    return (not text or cell.lines >= 2 or bool(CHAPTER.match(text))
            or (len(text) >= PROSE_CHARS and bool(PROSE.search(text))))


def _prose(cell: _Cell, left: float, right: float, tol: float = 2.0) -> bool:
    return _full_width(cell, left, right, tol) and len(cell.text) >= PROSE_CHARS and bool(PROSE.search(cell.text))


def _full_width(cell: _Cell, left: float, right: float, tol: float = 2.0) -> bool:
    return cell.box[0] <= left + tol and cell.box[2] >= right - tol


def tables_in_frames(cells: list[_Cell]) -> list[list[_Cell]]:
    """Given a grid's cells, return the cells of each table it holds: a text frame drawn
    around the body (a box, or a box behind every line, as Word and WPS export) joins
    paragraphs and tables into one grid; its spaces — rows of one cell across the grid that
    hold paragraphs, a heading or nothing — are cut out and given back to the page. A table
    is a grid of several rows and columns of short cells: a single column, or a grid that is
    mostly framed prose, is none."""
    left, right = min(c.box[0] for c in cells), max(c.box[2] for c in cells)
    cells = sorted(cells, key=lambda c: (c.box[1], c.box[0]))

    def alone(cell: _Cell) -> bool:  # the only cell of its row band
        top, bottom = cell.box[1], cell.box[3]
        return not any(o is not cell and o.box[1] < bottom - 1 and top < o.box[3] - 1 for o in cells)

    spaces = [c.box[3] for c in cells if _full_width(c, left, right) and _frame_text(c) and alone(c)]
    groups: dict[int, list[_Cell]] = {}
    for cell in cells:
        if cell.box[3] in spaces and _full_width(cell, left, right) and _frame_text(cell) and alone(cell):
            continue
        groups.setdefault(sum(1 for bottom in spaces if bottom <= cell.box[1] + 1), []).append(cell)
    out = []
    for group in map(_without_blank_edges, groups.values()):
        if not group:
            continue
        xs = {round(c.box[0]) for c in group} | {round(c.box[2]) for c in group}
        g_left, g_right = min(c.box[0] for c in group), max(c.box[2] for c in group)
        total = sum(len(c.text) for c in group)
        prose = sum(len(c.text) for c in group if _prose(c, g_left, g_right))
        if len(group) >= 2 and len(xs) >= 3 and not (total and prose > total / 2):
            out.append(group)
    return out


def _without_blank_edges(cells: list[_Cell], tol: float = 1.0) -> list[_Cell]:
    """The cells without a band of empty cells along the top or the bottom (a frame's margin
    around a table, split by a rule that runs on into it)."""
    for top in (True, False):
        while cells and (band := _blank_band(cells, top, tol)):
            cells = [c for c in cells if c not in band]
    return cells


def _blank_band(cells: list[_Cell], top: bool, tol: float) -> list[_Cell] | None:
    """The empty cells forming the grid's first (or last) row band by themselves, if any,
    unless they are a table row printed blank (the columns of the row beside them)."""
    near = (lambda c: c.box[1]) if top else (lambda c: -c.box[3])
    far = (lambda c: c.box[3]) if top else (lambda c: -c.box[1])
    first = min(near(c) for c in cells)
    band = [c for c in cells if near(c) <= first + tol]
    end = far(band[0])
    if any(c.text or abs(far(c) - end) > tol for c in band) or \
            any(near(c) < end - tol for c in cells if c not in band):
        return None
    # a row left blank (figures printed as nothing) has the columns of the row beside it
    beside = [c for c in cells if abs(near(c) - end) <= tol]
    if _column_edges(band, tol) == _column_edges(beside, tol):
        return None
    return band


def _column_edges(cells: list[_Cell], tol: float) -> list[float]:
    return cluster([c.box[0] for c in cells] + [c.box[2] for c in cells], tol)


def _line_count(chars: list[Obj]) -> int:
    return len(cluster([(c["top"] + c["bottom"]) / 2 for c in chars],
                       0.5 * min((c["bottom"] - c["top"] for c in chars), default=0)))


def ruled_tables(content: PageContent, chars: list[Obj]) -> list[TableItem]:
    """Tables drawn with ruling lines, as span-aware grids; grids that frame paragraphs
    give their text back to the page (see `tables_in_frames`)."""
    if not content.edges:
        return []
    items = []
    for boxes in table_cells(ruling_edges(content.edges)):
        if len(boxes) >= 2:
            cells = [_Cell(box, cell_text(inside), _line_count(inside))
                     for box, inside in zip(boxes, chars_by_cell(chars, boxes))]
            for table in tables_in_frames(cells):
                items.append(table_item([c.box for c in table], [c.text for c in table], content.width, tol=2.0))
    return items
