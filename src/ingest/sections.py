"""Sections stage: Layout -> the report's top-level sections (RECORD.md, sections).

Given ordered blocks, find the chapter headings (spellings in config/sections.yaml), cut
the document at them and return a `SectionedDoc`: per section its id, heading as printed
and its blocks. A heading glued to its first sentence is split off; numbered headings
must increase, so a stray "三、" inside a paragraph cannot start a chapter.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .dates import PUBLISHER, SIGNER_END, date_line
from .layout import Block, Layout, Table
from .record import Section
from .settings import load_yaml

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_BREAK = re.compile(r"[。：:；;，,\s]")


def cn_number(text: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20."""
    if len(text) == 1:
        return CN_DIGITS.get(text, 0)
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], 0)
    if text.endswith("十"):
        return CN_DIGITS.get(text[0], 0) * 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_DIGITS.get(tens, 0) * 10 + CN_DIGITS.get(ones, 0)
    return 0


@lru_cache(maxsize=1)
def _config() -> dict:
    cfg = load_yaml("sections.yaml")
    cfg["_patterns"] = [(sid, re.compile(p)) for sid, pats in cfg["headings"].items() for p in pats]
    cfg["_marker"] = re.compile(cfg["marker"])
    return cfg


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


@dataclass
class Heading:
    section_id: str
    printed: str          # marker + phrase, whitespace removed
    number: int | None    # chapter numeral, when printed
    rest: str             # body text glued after the heading on the same block


def match_heading(text: str, allow_unmarked: bool = False) -> Heading | None:
    """A top-level heading at the start of `text`, or None."""
    cfg = _config()
    stripped = text.strip().lstrip("#").strip()
    m = cfg["_marker"].match(stripped)
    if m is None and not allow_unmarked:
        return None
    body = stripped[m.end():].lstrip() if m else stripped
    found = _heading_phrase(body, cfg)
    if found is None or (m is None and found[2]):
        return None
    sid, head, rest = found
    if rest and not m:  # an unnumbered heading stands alone on its line
        return None
    marker = re.sub(r"\s+", "", stripped[: m.end()]) if m else ""
    return Heading(sid, marker + head, cn_number(m["num"]) if m else None, rest)


_HEAD_END = re.compile(r"(情况|措施|事项|工作|问题|方向|打算|计划|不足|概述|概况)$")


def _heading_phrase(body: str, cfg: dict) -> tuple[str, str, str] | None:
    """(section id, heading phrase, text glued after it) when `body` starts with a heading.

    The phrase must start near the beginning of the line (after at most a short prefix such
    as 政府信息公开工作) and ends where the pattern ends, stretched to the next break when
    what follows still reads as heading words (…及改进情况)."""
    first, _, tail = body.partition("\n")
    compact = re.sub(r"\s+", "", first)
    window = nfkc(compact[: cfg["max_heading_chars"]])
    for sid, pattern in cfg["_patterns"]:
        m = pattern.search(window)
        if not m or m.start() > 12 or _BREAK.search(window[: m.start()]):
            continue
        end = m.end()
        brk = _BREAK.search(compact, end)
        stop = brk.start() if brk else len(compact)
        stretch = compact[end:stop]
        if len(stretch) <= 8 and not re.search(r"\d", stretch) and (not stretch or _HEAD_END.search(stretch)):
            end = stop
        rest = compact[end:].lstrip("。：:，,；;")
        return sid, compact[:end], (rest + ("\n" + tail.strip() if tail.strip() else "")).strip()
    return None


@dataclass
class Part:
    id: str
    heading: str | None
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kind != "table" and b.text.strip())


@dataclass
class SectionedDoc:
    layout: Layout
    parts: list[Part]
    closing: list[Block] = field(default_factory=list)  # the 落款 (agency, date) and what follows it

    def sections(self) -> list[Section]:
        return [Section(id=p.id, heading=p.heading, text=p.text()) for p in self.parts]

    def tables(self) -> list[tuple[str, Table]]:
        """Every table with the id of its section; an appendix table after the 落款 counts
        for the last section (some reports print their tables as an attachment)."""
        tables = [(p.id, b.table) for p in self.parts for b in p.blocks if b.kind == "table" and b.table]
        return tables + [(self.parts[-1].id, b.table) for b in self.closing if b.kind == "table" and b.table]

    def closing_lines(self) -> list[str]:
        return [ln.strip() for b in self.closing if b.kind != "table" for ln in b.text.split("\n") if ln.strip()]

    def part(self, section_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == section_id), None)

    def lines(self) -> list[str]:
        """Every text line in reading order (for metadata)."""
        return [ln.strip() for b in self.layout.blocks if b.kind != "table"
                for ln in b.text.split("\n") if ln.strip()]


def split(layout: Layout) -> SectionedDoc:
    """Cut the layout at its top-level headings."""
    marked = sum(1 for b in layout.blocks if b.kind != "table" and match_heading(b.text))
    allow_unmarked = marked < 3
    parts = [Part("preamble", None)]
    last_number = 0
    for block in layout.blocks:
        heading = None
        if block.kind != "table":
            heading = match_heading(block.text, allow_unmarked=allow_unmarked and _short(block))
            if heading and heading.number is not None and heading.number <= last_number:
                heading = None
        if heading is None:
            parts[-1].blocks.append(block)
            continue
        last_number = heading.number or last_number
        part = Part(heading.section_id, heading.printed)
        if heading.rest:
            part.blocks.append(Block("paragraph", heading.rest, page=block.page))
        parts.append(part)
    closing = _closing(parts[-1]) if len(parts) > 1 else []
    return SectionedDoc(layout, parts, closing)


_SENTENCE = re.compile(r"[。；;，,！？]")


def _closing(last: Part) -> list[Block]:
    """Take the 落款 off the end of the last section: the last block that ends in a date line
    and nothing else, the short agency line above it, and whatever follows (an appendix such
    as the old 统计表 with its title); without a date, an agency name alone on the last line.
    A page's 发布日期 line is not a 落款."""
    for i in range(len(last.blocks) - 1, -1, -1):
        block = last.blocks[i]
        if block.kind == "table":
            continue
        lines = [ln for ln in block.text.split("\n") if ln.strip()]
        above = last.blocks[i - 1] if i > 0 else None
        line_above = lines[-2] if len(lines) > 1 else above.text if above is not None else ""
        labelled = PUBLISHER.match(re.sub(r"\s+", "", line_above)) is not None
        if not lines or date_line(lines[-1], labelled) is None:
            continue
        if any(len(ln.strip()) > 30 or _SENTENCE.search(ln) for ln in lines[:-1]):
            continue
        start = i
        if len(lines) == 1 and above is not None and above.kind != "table" and _signature_line(above.text):
            start = i - 1
        closing = last.blocks[start:]
        del last.blocks[start:]
        return closing
    tail = last.blocks[-1] if last.blocks else None  # an undated 落款: the agency alone on the last line
    if tail is not None and tail.kind != "table" and _signature_line(tail.text) and \
            SIGNER_END.search(re.sub(r"\s+", "", tail.text)):
        return [last.blocks.pop()]
    return []


def _signature_line(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    return (4 <= len(compact) <= 30 and "\n" not in text.strip() and not _SENTENCE.search(compact)
            and not re.match(r"[（(\d一二三四五六七八九十]", compact))


def _short(block: Block) -> bool:
    return block.kind == "heading" or len(block.text.strip()) <= 20


def head_lines(doc: SectionedDoc) -> list[str]:
    """The report's first four lines, whitespace removed (where its title is)."""
    return [re.sub(r"\s+", "", ln) for ln in doc.parts[0].text().split("\n")[:4]]


def title_lines(doc: SectionedDoc) -> str:
    return "".join(head_lines(doc))
