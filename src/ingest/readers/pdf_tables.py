"""Table grids for the PDF reader: cell boxes -> spans, and stitching across page breaks.

`grid_from_boxes` turns the boxes of a table's cells (from pdfplumber or from ruling lines
found in a scan) into row/col/rowspan/colspan. `stitch` joins a table fragment at the top
of a page onto the table that ended the previous page when their columns line up, dropping
a repeated header and mending a row that the page break cut in two.
"""
from __future__ import annotations

import re

from ..layout import Cell, Table
from ..tables import is_value  # a figure: a number or a mark printed for none (config zero_markers)
from .pdf_items import TableItem, join_wrapped

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def cluster(values: list[float], tol: float) -> list[float]:
    """Sorted representatives of `values`, merging values closer than `tol`."""
    reps: list[float] = []
    for v in sorted(values):
        if reps and v - reps[-1] <= tol:
            continue
        reps.append(v)
    return reps


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def grid_from_boxes(boxes: list[Box], texts: list[str], tol: float) -> tuple[Table, list[float]]:
    """A table from cell boxes and their texts; also the x positions of its column edges."""
    xs = cluster([b[0] for b in boxes] + [b[2] for b in boxes], tol)
    ys = cluster([b[1] for b in boxes] + [b[3] for b in boxes], tol)
    cells, taken = [], set()
    for (x0, top, x1, bottom), text in zip(boxes, texts):
        c0, c1, r0, r1 = _index(xs, x0), _index(xs, x1), _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0 or (r0, c0) in taken:
            continue
        taken.add((r0, c0))
        cells.append(Cell(r0, c0, text, rowspan=r1 - r0, colspan=c1 - c0))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells), xs


def table_item(boxes: list[Box], texts: list[str], page_width: float, tol: float) -> TableItem:
    table, xs = grid_from_boxes(boxes, texts, tol)
    return TableItem(table, top=min(b[1] for b in boxes), bottom=max(b[3] for b in boxes),
                     col_edges=[x / page_width for x in xs], x0=xs[0], x1=xs[-1])


# ---- dense grids: rows of Cell objects, a spanning cell repeated at every position ----

def _from_dense(rows: list[list[Cell]]) -> Table:
    spans: dict[int, list[int]] = {}
    owners: dict[int, Cell] = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            box = spans.setdefault(id(cell), [r, c, r, c])
            owners[id(cell)] = cell
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = [Cell(r0, c0, owners[k].text, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1)
             for k, (r0, c0, r1, c1) in spans.items()]
    return Table(sorted(cells, key=lambda c: (c.row, c.col)))


def _dense(table: Table) -> list[list[Cell]]:
    """The grid with holes filled by empty cells, so every position holds a Cell."""
    rows = table.grid()
    return [[cell if cell is not None else Cell(r, c, "") for c, cell in enumerate(row)]
            for r, row in enumerate(rows)]


def _row_key(row: list[Cell]) -> tuple[str, ...]:
    return tuple(cell.text.replace(" ", "") for cell in row)


COLUMN_TOL = 0.012  # of the page width: two column edges this close are the same edge


def _edge_at(edges: list[float], x: float, tol: float = COLUMN_TOL) -> int | None:
    k = _index(edges, x)
    return k if abs(edges[k] - x) <= tol else None


def columns_match(a: TableItem, b: TableItem, tol: float = COLUMN_TOL) -> bool:
    """The two fragments share their columns: the same outer edges, and every column edge of
    one is an edge of the other (a half whose rows all merge the label columns has fewer)."""
    if not a.col_edges or not b.col_edges:
        return False
    if abs(a.col_edges[0] - b.col_edges[0]) > tol or abs(a.col_edges[-1] - b.col_edges[-1]) > tol:
        return False
    fewer, more = sorted((a.col_edges, b.col_edges), key=len)
    return all(_edge_at(more, x, tol) is not None for x in fewer)


def _on_edges(item: TableItem, edges: list[float]) -> TableItem:
    """The fragment's cells re-indexed onto a finer set of column edges (spans widened)."""
    if len(edges) == len(item.col_edges):
        return item
    at = [_edge_at(edges, x) for x in item.col_edges]
    cells = []
    for cell in item.table.cells:
        c0, c1 = at[cell.col], at[min(cell.col + cell.colspan, len(at) - 1)]
        cells.append(Cell(cell.row, c0, cell.text, rowspan=cell.rowspan, colspan=max(1, c1 - c0)))
    return TableItem(Table(cells), top=item.top, bottom=item.bottom, col_edges=list(edges),
                     x0=item.x0, x1=item.x1)


def _same_columns(above: Cell, below: Cell, top: list[list[Cell]], bottom: list[list[Cell]]) -> bool:
    cols_above = {c for c, cell in enumerate(top[-1]) if cell is above}
    cols_below = {c for c, cell in enumerate(bottom[0]) if cell is below}
    return cols_above == cols_below


def _drop_repeated_header(top: list[list[Cell]], bottom: list[list[Cell]]) -> list[list[Cell]]:
    k = 0
    while k < min(len(top), len(bottom) - 1) and _row_key(top[k]) == _row_key(bottom[k]) \
            and any(cell.text for cell in bottom[k]):
        k += 1
    return bottom[k:]


# an enumerated label's start (1. （二） 三、), also when the page break fell inside "（六"
_ITEM_START = re.compile(r"^\s*(\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+(?:[）)]|$)|[一二三四五六七八九十]+、)")


def _is_cut_row(above: list[Cell], first: list[Cell]) -> bool:
    """The fragment's first row is the rest of the previous page's last row: no label of it
    starts a new item (1., （二）, 三、), and it has no figure where the row above has one;
    in a row without figures, its label goes on from an enumerated label above it."""
    new = [c for c, cell in enumerate(first) if cell.text and not is_value(cell.text)]
    if any(_ITEM_START.match(first[c].text) for c in new):
        return False
    value_cols = [c for c, cell in enumerate(above) if is_value(cell.text)]
    if value_cols:
        return all(not first[c].text for c in value_cols)
    return bool(new) and all(_ITEM_START.match(above[c].text) for c in new) \
        and not any(is_value(cell.text) for cell in first)


def _blank_top_part(top: list[list[Cell]]) -> bool:
    """The last row above the break holds nothing of its own (every cell in it is empty or
    spans down from a row above): the top of a row the page break cut, its text below."""
    last = top[-1]
    own = [cell for c, cell in enumerate(last) if len(top) < 2 or cell is not top[-2][c]]
    return bool(own) and not any(cell.text for cell in own)


def _merge_junction(top: list[list[Cell]], bottom: list[list[Cell]]) -> None:
    """Across the junction, extend the cells above over the empty or cut cells below."""
    above, first = top[-1], bottom[0]
    cut = _is_cut_row(above, first) or _blank_top_part(top)
    figures = {c for c in range(len(first)) if any(is_value(row[c].text) for row in bottom)}
    for c in range(len(first)):
        below, over = first[c], above[c]
        # an empty cell continues a label from above (a merged cell the break cut), never a
        # header over a column of figures, where empty means a blank figure
        spans = not below.text and over.text and not is_value(over.text) and c not in figures
        if below is over or not (cut or spans):
            continue
        if not _same_columns(over, below, top, bottom):
            continue
        if below.text:
            over.text = join_wrapped([over.text, below.text])
        for row in bottom:
            for i, cell in enumerate(row):
                if cell is below:
                    row[i] = over


def _drop_covered_rows(rows: list[list[Cell]]) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for row in rows:
        if out and all(cell is prev for cell, prev in zip(row, out[-1])):
            continue
        out.append(row)
    return out


def stitch(top: TableItem, bottom: TableItem) -> TableItem:
    """`bottom` (a fragment from the next page) appended to `top`."""
    edges = max(top.col_edges, bottom.col_edges, key=len)
    top, bottom = _on_edges(top, edges), _on_edges(bottom, edges)
    upper, lower = _dense(top.table), _dense(bottom.table)
    lower = _drop_repeated_header(upper, lower)
    _merge_junction(upper, lower)
    table = _from_dense(_drop_covered_rows(upper + lower))
    return TableItem(table, top=top.top, bottom=top.bottom, col_edges=top.col_edges,
                     x0=top.x0, x1=top.x1)
