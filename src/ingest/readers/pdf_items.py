"""Positioned page content: what the text-layer and the OCR paths of the PDF reader produce.

A page is a list of text lines and tables, each with its vertical position in PDF points
(top-left origin), so both paths share furniture removal, paragraph rebuilding and table
stitching.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..layout import Table


@dataclass
class Segment:
    """A run of text on one line with no wide gap inside (a word group, an OCR box)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # font size in points (0 when unknown, e.g. OCR)
    segments: list[Segment] = field(default_factory=list, repr=False)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class TableItem:
    table: Table
    top: float
    bottom: float
    col_edges: list[float]  # column boundaries as fractions of the page width
    x0: float = 0.0
    x1: float = 0.0


@dataclass
class PageItems:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[TableItem] = field(default_factory=list)
    ocr: bool = False

    def ordered(self) -> list[Line | TableItem]:
        """Lines and tables top to bottom."""
        return sorted([*self.lines, *self.tables], key=lambda item: (item.top, getattr(item, "x0", 0)))


def group_lines(segments: list[Segment]) -> list[Line]:
    """Segments sharing most of their height joined left to right into lines."""
    lines: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.top + s.bottom) / 2):
        mid = (seg.top + seg.bottom) / 2
        if lines and lines[-1][-1].top <= mid <= lines[-1][-1].bottom:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    out = []
    for segs in lines:
        segs.sort(key=lambda s: s.x0)
        out.append(Line(tidy(" ".join(s.text for s in segs)), segs[0].x0, max(s.x1 for s in segs),
                        min(s.top for s in segs), max(s.bottom for s in segs), segments=segs))
    return out


_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_CJK_CHAR = re.compile(rf"[{_CJK}]")


def tidy(text: str) -> str:
    """Spaces next to CJK characters dropped, other runs of spaces collapsed."""
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


WORD_GAP = 0.2  # of the font size: a gap this much wider than the line's usual one is a word space


def line_text(chars: list[dict]) -> str:
    """One line's characters (left to right) as text, a space where the gap between two is
    wider than the line's usual gap by a fifth of the font size. A letter-spaced or
    justified line (every character set apart) then reads `2023年`, not `2 0 2 3年`."""
    chars = [c for c in chars if c["text"].strip()]
    if not chars:
        return ""
    gaps = [b["x0"] - a["x1"] for a, b in zip(chars, chars[1:])]
    usual = max(0.0, sorted(gaps)[len(gaps) // 4]) if len(gaps) >= 3 else 0.0
    sizes = sorted(c.get("size") or (c["bottom"] - c["top"]) for c in chars)
    word = WORD_GAP * (sizes[len(sizes) // 2] or 10.0)
    out = [chars[0]["text"]]
    for gap, char in zip(gaps, chars[1:]):
        if gap - usual > word:
            out.append(" ")
        out.append(char["text"])
    return "".join(out)


def join_wrapped(parts: list[str]) -> str:
    """Lines of one wrapped paragraph or cell as one string.

    A space is put back only between two Latin letters; CJK text and numbers wrap anywhere.
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " "
        out += part
    return tidy(out)


def is_number(text: str) -> bool:
    """A printed table value such as 12, 0, 677.64, 1,200 or -3."""
    return bool(re.fullmatch(r"[-+]?\d[\d,，]*(\.\d+)?%?", unicodedata.normalize("NFKC", text).strip()))
