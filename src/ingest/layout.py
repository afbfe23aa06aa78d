"""The layout model: what every reader produces and every later stage reads.

A document is an ordered list of blocks. A block is a line of text (PDF), a paragraph
(HTML/DOCX/TXT) or a table. Tables are cell grids: each `Cell` sits at its top-left
(row, col) and may span rows and columns; `Table.grid()` gives the dense form where a
spanned position repeats its origin cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "table"]


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    cells: list[Cell]

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Dense rows x cols; a position covered by a span holds the spanning cell."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    if grid[r][c] is None:
                        grid[r][c] = cell
        return grid

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> "Table":
        """A table with no spans from rows of cell texts (plain text, OCR without rulings)."""
        return cls([Cell(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row)])


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    page: int | None = None  # 1-based, PDFs only
    table: Table | None = None
    level: int | None = None  # heading level where the source says (h1, ##, Word style)
    bold: bool = False


@dataclass
class Layout:
    """A document as ordered blocks, plus what the reader learnt about its source."""

    blocks: list[Block] = field(default_factory=list)
    media_type: str = "application/octet-stream"
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)
    title_hint: str | None = None  # <title>, PDF metadata, docx core properties

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kind != "table")
