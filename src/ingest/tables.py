"""Tables stage: cell grids -> the three canonical tables (RECORD.md, tables).

Given the table blocks of a document (with the section each sits in), return the
`proactive`, `requests` and `review_litigation` tables keyed by canonical row and column
keys, the template their form implies, and each cell's printed text. Steps, each small:

    grids -> rows (label cells, value cells) -> header context per column
          -> row key + column key by label cues (config/tables.yaml) -> numbers

Labels decide everything; printed order is only a fallback for a row whose header is
missing. A table that a report does not contain stays `None`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterator

from .layout import Cell, Table
from .settings import load_yaml

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+＋\-－]?\d[\d,，]*(?:\.\d+)?$")
_MONEY = re.compile(r"^(?P<num>[+\-]?\d[\d,，]*(?:\.\d+)?)(?P<unit>万元|元|万)$")
_CHANGE = re.compile(r"^(?:增加|增|减少|减)(?P<num>\d+(?:\.\d+)?)$")


@lru_cache(maxsize=1)
def label_config() -> dict:
    return load_yaml("tables.yaml")


def clean(text: str | None) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).replace("，", ",")


def _first_match(text: str, cues: dict[str, list[str]], skip: str = "") -> str | None:
    """The first key (in file order) one of whose cues occurs in `text`."""
    if skip:
        text = text.replace(skip, "")
    for key, words in cues.items():
        if any(clean(w) in text for w in words):
            return key
    return None


_ENUMERATOR = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.]|\d+[.、])")
_ITEM_START = re.compile(r"(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、])")
_PUNCT = re.compile(r"[，,。.、；;：:“”\"'《》（）()]")


def _bare(label: str) -> str:
    """A label without its enumerator and punctuation, for comparing wordings."""
    return _PUNCT.sub("", _ENUMERATOR.sub("", clean(label)))


@dataclass
class Match:
    """How one printed label was mapped: to `key`, by `how` (cue | similar), with `score`."""

    table: str
    kind: str       # row | column
    label: str
    key: str | None
    score: float
    how: str


def similar_key(label: str, printed: dict[str, str]) -> tuple[str | None, float]:
    """The key whose standard wording `label` is closest to (a typo, a dropped word), with the
    similarity; None when no wording is close enough or two are equally close."""
    return _similar(clean(label), tuple(printed.items()))


@lru_cache(maxsize=4096)
def _similar(label: str, printed: tuple[tuple[str, str], ...]) -> tuple[str | None, float]:
    """`similar_key` once per label: a row's label is asked about both when its rows are
    found and when they are mapped."""
    from difflib import SequenceMatcher

    cfg = label_config()["similarity"]
    starts = [m.start() for m in _ITEM_START.finditer(label)]
    bare = _bare(label[starts[-1]:] if starts else label)  # the leaf, under its group labels
    if len(bare) < cfg["min_chars"]:
        return None, 0.0
    scored = sorted(((SequenceMatcher(None, bare, _bare(w), autojunk=False).ratio(), k)
                     for k, w in printed), reverse=True)
    best, key = scored[0] if scored else (0.0, None)
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best < cfg["min_ratio"] or best - runner_up < cfg["min_margin"]:
        return None, best
    return key, round(best, 3)


# -- step 1: printed cell text -> number ---------------------------------------------

def parse_value(text: str, money: bool = False) -> float | None:
    """A printed cell as a number; None when it is not a value at all (a label)."""
    t = clean(text).rstrip("件条个项次人")
    if t in zero_markers():
        return 0.0
    if _NUMBER.match(t):
        return float(t.replace(",", "").replace("＋", "+").replace("－", "-"))
    m = _MONEY.match(t)
    if m:
        value = float(m["num"].replace(",", ""))
        return value / 10000 if (m["unit"] == "元" and money) else value
    m = _CHANGE.match(t)
    if m:
        return float(m["num"]) * (-1 if t.startswith("减") else 1)
    return None


@lru_cache(maxsize=1)
def zero_markers() -> frozenset[str]:
    return frozenset(clean(z) for z in label_config()["zero_markers"])


def is_value(text: str) -> bool:
    return parse_value(text) is not None and clean(text) != ""


# -- step 2: grid -> rows ------------------------------------------------------------

@dataclass
class Row:
    """One printed row: label text, and per grid column the printed cell (value columns only)."""

    label: str
    values: dict[int, str]        # grid column -> printed text, for cells that are values or blank
    n_cols: int
    printed_blanks: int = 0       # blank value cells that are real cells, not padding of a short row


def grid_rows(table: Table) -> list[Row]:
    """Each grid row as label + candidate value cells. A cell spanning several positions
    counts once, at its first position; label cells spanning rows repeat on every row."""
    rows = []
    for cells in table.grid():
        first = _first_positions(cells)
        texts = {c: (cells[c].text if c in first else "") for c in range(len(cells))
                 if c in first or cells[c] is None}
        last_label = max((c for c, t in texts.items() if clean(t) and not is_value(t)), default=-1)
        label = "".join(clean(texts[c]) for c in sorted(texts) if c <= last_label and clean(texts[c]))
        values = {c: t for c, t in texts.items() if c > last_label}
        blanks = sum(1 for c in values if cells[c] is not None and not clean(values[c]))
        rows.append(Row(label, values, len(cells), blanks))
    return rows


def _first_positions(cells: list[Cell | None]) -> set[int]:
    """Columns where a distinct cell is first seen in this row."""
    seen: set[int] = set()
    out = set()
    for col, cell in enumerate(cells):
        if cell is not None and id(cell) not in seen:
            seen.add(id(cell))
            out.add(col)
    return out


Known = Callable[[str], bool]


def is_data_row(row: Row, known: Known) -> bool:
    """A row of figures: some value printed, or a known row label followed only by blank cells
    (a header row also ends in blank cells, but its label is no row of the table)."""
    if any(is_value(v) for v in row.values.values()):
        return True
    return bool(row.printed_blanks) and known(row.label)


# -- step 3: header context ------------------------------------------------------------

def data_rows(table: Table, known: Known, continues: bool = False) -> Iterator[tuple[Row, dict[int, str]]]:
    """Each data row with the header text over each of its columns (from the header rows
    above it). A row of only blank cells is data when its label is known and a header
    stands over its cells or it follows other data rows (`continues`: this grid carries on a
    table from the previous page); otherwise it is a header row."""
    grid = table.grid()
    if all(c.colspan == 1 for c in table.cells):
        grid = [_fill_right(cells) for cells in grid]
    pending: list[int] = []   # header rows since the last data row
    active: dict[int, str] = {}
    after_data = continues
    for r, row in enumerate(grid_rows(table)):
        header = _header_text(grid, pending, row.n_cols) if pending else active
        printed = any(is_value(v) for v in row.values.values())
        covered = (after_data and not pending) or any(header.get(c) for c in row.values)
        if printed or (is_data_row(row, known) and covered):
            active, pending, after_data = header, [], True
            yield row, header
        else:
            pending.append(r)


def _header_text(grid, rows: list[int], n_cols: int) -> dict[int, str]:
    return {c: "".join(_distinct(grid[h][c] for h in rows)) for c in range(n_cols)}


def _fill_right(cells: list[Cell | None]) -> list[Cell | None]:
    """Plain-text tables print no spans: a blank header cell belongs to the label on its left."""
    if any(is_value(c.text) for c in cells if c is not None):
        return cells
    out, last = [], None
    for cell in cells:
        if cell is not None and clean(cell.text):
            last = cell
        out.append(cell if cell is not None and clean(cell.text) else last)
    return out


def _distinct(cells) -> list[str]:
    seen, parts = set(), []
    for cell in cells:
        if cell is not None and id(cell) not in seen:
            seen.add(id(cell))
            parts.append(clean(cell.text))
    return parts


# -- step 4: which table is this grid ----------------------------------------------------

def identify(table: Table, section_id: str | None) -> str | None:
    text = "".join(clean(c.text) for c in table.cells)
    cues = label_config()["identify"]
    for kind in ("requests", "review_litigation", "proactive"):
        if sum(clean(w) in text for w in cues[kind]) >= (1 if kind != "proactive" else 2):
            return kind
    return section_id if section_id in cues else None


# -- step 5: rows -> canonical cells ----------------------------------------------------

@dataclass
class Found:
    proactive: dict | None = None
    requests: dict | None = None
    review_litigation: dict | None = None
    cell_text: dict = field(default_factory=dict)
    forms: set = field(default_factory=set)  # "2021" / "2019" evidence from the proactive table
    requests_form: str | None = None         # what the requests table alone suggests
    matches: list[Match] = field(default_factory=list)  # every label mapped (ingest inspect)

    @property
    def template(self) -> str | None:
        """The form the tables are printed in: the proactive table's columns tell the 2019 and
        2021 forms apart; the requests table's （六）其他处理 only when there is no proactive table
        (some 2021-form reports print （六） as one row)."""
        if "2019" in self.forms:
            return "2019"
        if "2021" in self.forms:
            return "2021"
        return self.requests_form

    def note(self, table: str, kind: str, label: str, key: str | None, score: float, how: str) -> None:
        self.matches.append(Match(table, kind, label, key, score, how))

    def poor_matches(self) -> list[Match]:
        return [m for m in self.matches if m.how == "similar"]

    def put(self, table: str, row: str, col: str, printed: str, value: float) -> None:
        rows = getattr(self, table) or {}
        setattr(self, table, rows)
        if col in rows.setdefault(row, {}):
            return  # first printing wins (a repeated header page must not overwrite)
        rows[row][col] = int(value) if float(value).is_integer() else value
        self.cell_text.setdefault(table, {}).setdefault(row, {})[col] = printed


class _RequestsMapper:
    """Rows of table 三 -> (row key, column key); tracks the group a leaf row sits in."""

    def __init__(self) -> None:
        cfg = label_config()["requests"]
        self.rows, self.cols, self.other = cfg["rows"], cfg["columns"], cfg["other_group"]
        self.noise, self.order = [clean(n) for n in cfg["column_noise"]], cfg["order"]
        self.printed = cfg["printed"]
        self.in_other_group = False

    def is_row(self, label: str) -> bool:
        return bool(_first_match(label, self.rows) or self.other["cue"] in label
                    or re.sub(r"^[\d.、．]+", "", label) == self.other["leaf_cue"]
                    or similar_key(label, self.printed)[0])

    def match_row(self, label: str) -> tuple[str | None, float, str]:
        """(row key, score, how): by cue words, else by the closest standard wording."""
        key = self.row_key(label)
        if key:
            return key, 1.0, "cue"
        key, score = similar_key(label, self.printed)
        return key, score, "similar" if key else "none"

    def row_key(self, label: str) -> str | None:
        key = _first_match(label, self.rows)
        if self.other["cue"] in label:
            self.in_other_group = True
        elif key and not key.startswith("other_handling"):
            self.in_other_group = False if key in ("results_total", "carried_forward") else self.in_other_group
        if key:
            return key
        leaf = re.sub(r"^[\d.、．]+", "", label.split(self.other["cue"])[-1])
        if self.in_other_group and leaf == self.other["leaf_cue"]:
            return self.other["leaf_row"]
        if self.other["cue"] in label and not leaf:
            return self.other["row"]
        return None

    def col_key(self, header: str) -> str | None:
        for n in self.noise:
            header = header.replace(n, "")
        return _first_match(header, self.cols)


def map_requests(tables: list[Table], found: Found) -> None:
    mapper = _RequestsMapper()
    last_header: dict[int, str] = {}
    for i, table in enumerate(tables):
        for row, header in data_rows(table, mapper.is_row, continues=i > 0):
            key, score, how = mapper.match_row(row.label)
            found.note("requests", "row", row.label, key, score, how)
            if key is None:
                continue
            header = header or (last_header if len(last_header) == row.n_cols else {})
            last_header = header or last_header
            cols = {c: mapper.col_key(header.get(c, "")) for c in row.values}
            if len({k for k in cols.values() if k}) < len(mapper.order):
                cols = _by_order(row, mapper.order)
            for c, col in cols.items():
                if col:
                    found.put("requests", key, col, row.values[c], parse_value(row.values[c]) or 0.0)
    if found.requests:
        leaf = any(k.startswith("other_handling.") for k in found.requests)
        found.requests_form = "2019" if "other_handling" in found.requests and not leaf else "2021"


def _by_order(row: Row, order: list) -> dict[int, object]:
    """Fallback: the rightmost len(order) value cells, in printed order, trailing blanks dropped."""
    cols = sorted(row.values)
    while len(cols) > len(order) and not clean(row.values[cols[-1]]):
        cols.pop()
    if len(cols) < len(order):
        return {}
    return dict(zip(cols[-len(order):], order))


def map_review(tables: list[Table], found: Found) -> None:
    cfg = label_config()["review_litigation"]
    groups, leaves = cfg["groups"], cfg["leaves"]
    order = [tuple(k.split(".")) for k in cfg["order"]]

    def known(label: str) -> bool:  # a blank figures row: the standard form's has no label
        return not label

    for i, table in enumerate(tables):
        for row, header in data_rows(table, known, continues=i > 0):
            keys = {}
            for c in row.values:
                context = row.label + header.get(c, "")
                group = _first_match(context, groups)
                leaf = _first_match(header.get(c, "") or row.label, leaves)
                if group and leaf:
                    keys[c] = (group, leaf)
            if len(set(keys.values())) < len(keys) or len(keys) < len(row.values):
                keys = _by_order(row, order) or keys
            for c, (group, leaf) in keys.items():
                found.put("review_litigation", group, leaf, row.values[c], parse_value(row.values[c]) or 0.0)


def map_proactive(tables: list[Table], found: Found) -> None:
    cfg = label_config()["proactive"]
    money = set(cfg["money_columns"])

    def known(label: str) -> bool:
        return _first_match(label, cfg["rows"]) is not None

    for i, table in enumerate(tables):
        for row, header in data_rows(table, known, continues=i > 0):
            key = _first_match(row.label, cfg["rows"])
            found.note("proactive", "row", row.label, key, 1.0 if key else 0.0, "cue" if key else "none")
            if key is None:
                continue
            cols = {c: _first_match(header.get(c, ""), cfg["columns"]) for c in row.values}
            form = "2019" if any(v in ("new_made", "new_published", "prev_year", "items") for v in cols.values()) \
                or key in ("other_services", "procurement") else None
            form_so_far = form or ("2019" if "2019" in found.forms else None)  # a continued page
            fallback = cfg["order_2019" if form_so_far == "2019" else "order_2021"].get(key) \
                or cfg["order_2019"].get(key, [])
            named = [v for v in cols.values() if v]
            if len(named) < len(fallback) or len(set(named)) < len(named):
                cols = _by_order(row, fallback) if fallback else {}
            for c, col in cols.items():
                if not col:
                    continue
                unit_yuan = "元" in header.get(c, "") and "万元" not in header.get(c, "")
                value = parse_value(row.values[c], money=col in money) or 0.0
                if col in money and unit_yuan and "元" not in row.values[c]:
                    value /= 10000
                found.put("proactive", key, col, row.values[c], round(value, 6))
            if form:
                found.forms.add(form)
    if found.proactive and not found.forms & {"2019"}:
        if any(k in found.proactive for k in ("rules", "normative_documents")):
            if any("made" in v for v in found.proactive.values()):
                found.forms.add("2021")


MAPPERS = {"proactive": map_proactive, "requests": map_requests, "review_litigation": map_review}


def extract(blocks: list[tuple[str | None, Table]]) -> Found:
    """Canonical tables from `(section id, table)` pairs in document order."""
    by_kind: dict[str, list[Table]] = {k: [] for k in MAPPERS}
    for section_id, table in blocks:
        kind = identify(table, section_id)
        if kind:
            by_kind[kind].append(table)
    found = Found()
    for kind, mapper in MAPPERS.items():
        if by_kind[kind]:
            mapper(by_kind[kind], found)
    return found
