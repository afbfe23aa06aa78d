"""Tables printed without ruling lines, rebuilt from the positions of word groups.

A run of consecutive lines that each hold several separated word groups, with numbers in
them, is read as a table: the gaps that no row's text crosses are the column boundaries,
and a header line just above the run may span several columns.
"""
from __future__ import annotations

from .pdf_items import Line, Segment, TableItem, is_number
from .pdf_tables import Box, table_item

MIN_ROWS = 3


def _is_row(line: Line) -> bool:
    return len(line.segments) >= 2 and any(is_number(s.text) for s in line.segments[1:])


def _runs(lines: list[Line]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, line in enumerate([*lines, None]):
        if line is not None and _is_row(line):
            start = i if start is None else start
            continue
        if start is not None and i - start >= 2:
            runs.append((start, i))
        start = None
    return runs


def _columns(rows: list[Line], min_gap: float) -> list[tuple[float, float]]:
    """Column extents: x ranges covered by text, separated by gaps no row crosses."""
    spans = sorted((s.x0, s.x1) for row in rows for s in row.segments)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1] + min_gap:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def _cells_of(line: Line, cols, y0: float, y1: float) -> tuple[list[Box], list[str]]:
    cuts = [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:])]
    bounds = list(zip([cols[0][0]] + cuts, cuts + [cols[-1][1]]))
    boxes, texts = [], []
    for i, (left, right) in enumerate(bounds):
        lo = left if i else float("-inf")
        hi = right if i + 1 < len(bounds) else float("inf")
        hits = [s for s in line.segments if lo <= (s.x0 + s.x1) / 2 < hi]
        boxes.append((left, y0, right, y1))
        texts.append(" ".join(s.text for s in hits))
    return boxes, texts


def _table(rows: list[Line], header: Line | None, page_width: float) -> TableItem | None:
    size = max(1.0, min(r.height for r in rows))
    cols = _columns(rows, min_gap=size * 0.8)
    if len(cols) < 2:
        return None
    every = ([header] if header else []) + rows
    edges = [every[0].top] + [(a.bottom + b.top) / 2 for a, b in zip(every, every[1:])] + [every[-1].bottom]
    boxes, texts = [], []
    for i, line in enumerate(every):
        b, t = _cells_of(line, cols, edges[i], edges[i + 1])
        boxes += b
        texts += t
    return table_item(boxes, texts, page_width, tol=0.5)


def unruled_tables(lines: list[Line], page_width: float) -> list[TableItem]:
    """Tables found in `lines` (top-to-bottom) from word-group positions alone."""
    found = []
    for start, end in _runs(lines):
        header = lines[start - 1] if start and len(lines[start - 1].segments) >= 2 else None
        if end - start + (header is not None) < MIN_ROWS:
            continue
        item = _table(lines[start:end], header, page_width)
        if item is not None:
            found.append(item)
    return found


def segments_from_chars(chars: list[dict], gap: float = 1.5) -> list[Segment]:
    """Split a line's characters where the space between two exceeds `gap` x their size."""
    out: list[Segment] = []
    for ch in sorted(chars, key=lambda c: c["x0"]):
        if not ch["text"].strip():
            continue
        size = ch.get("size") or (ch["bottom"] - ch["top"]) or 10.0
        if out and ch["x0"] - out[-1].x1 <= gap * size:
            last = out[-1]
            last.text += ch["text"]
            last.x1, last.top, last.bottom = ch["x1"], min(last.top, ch["top"]), max(last.bottom, ch["bottom"])
        else:
            out.append(Segment(ch["text"], ch["x0"], ch["x1"], ch["top"], ch["bottom"]))
    return out
