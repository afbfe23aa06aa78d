"""Word's automatic numbering (numbering.xml) rendered as the text a reader sees.

Word prints 一、 （二） 3. in front of a paragraph that carries a numbering reference
(w:numPr, on the paragraph or on its style) without putting the marker in the text. Reports
that number their chapters this way would lose every 一、 to a plain text read. `Numbering`
keeps one counter per list and level, as Word does, and turns each level's pattern
(w:lvlText such as "%1、", "（%1）") and format (chineseCounting, decimal, …) into the marker.
"""
from __future__ import annotations

from docx.oxml.ns import qn

from ..numerals import chinese

TRADITIONAL = "甲乙丙丁戊己庚辛壬癸"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": chinese,
    "chineseCountingThousand": chinese,
    "japaneseCounting": chinese,
    "ideographTraditional": lambda n: TRADITIONAL[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: CIRCLED[n - 1] if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: CIRCLED[n - 1] if 0 < n <= 20 else str(n),
    "decimalFullWidth": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": lambda n: _roman(n),
}


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _val(node, tag: str, default: str | None = None) -> str | None:
    child = node.find(qn(tag)) if node is not None else None
    return child.get(qn("w:val"), default) if child is not None else default


class Numbering:
    """Markers of numbered paragraphs, in document order (call `marker` once per paragraph)."""

    def __init__(self, document):
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self._counters: dict[str, dict[int, int]] = {}
        self._styles = _style_numbering(document)
        if root is None:
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        for num in root.iterchildren(qn("w:num")):
            levels = {}
            base = abstract.get(_val(num, "w:abstractNumId"))
            for lvl in (base.iterchildren(qn("w:lvl")) if base is not None else ()):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    _val(lvl, "w:numFmt", "decimal"), _val(lvl, "w:lvlText", ""),
                    int(_val(lvl, "w:start", "1") or 1))
            for override in num.iterchildren(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = _val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start))
            self._levels[num.get(qn("w:numId"))] = levels

    def marker(self, p) -> str:
        """The marker Word prints before paragraph `p` ("" when it is not numbered)."""
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id, ilvl = _val(num_pr, "w:numId"), _val(num_pr, "w:ilvl")
        if num_id is None:
            style = _val(p.find(qn("w:pPr")), "w:pStyle")
            num_id, style_lvl = self._styles.get(style, (None, None))
            ilvl = ilvl if ilvl is not None else style_lvl
        levels = self._levels.get(num_id or "") if num_id != "0" else None  # numId 0: numbering off
        level = int(ilvl or 0)
        if not levels or level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        fmt, text, _ = levels[level]
        if fmt in ("bullet", "none") or not text:
            return ""
        out = text
        for k in range(level, -1, -1):
            shown = counters.get(k, levels.get(k, ("decimal", "", 1))[2])
            k_fmt = levels.get(k, ("decimal", "", 1))[0]
            out = out.replace(f"%{k + 1}", FORMATS.get(k_fmt, str)(shown))
        return out


def _style_numbering(document) -> dict[str, tuple[str, str | None]]:
    """Paragraph style id -> (numId, ilvl) for styles that number their paragraphs."""
    try:
        styles = document.styles.element
    except (KeyError, AttributeError):
        return {}
    own, based = {}, {}
    for style in styles.iterchildren(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None and _val(num_pr, "w:numId") is not None:
            own[sid] = (_val(num_pr, "w:numId"), _val(num_pr, "w:ilvl"))
        based[sid] = _val(style, "w:basedOn")
    out = {}
    for sid in based:
        cur, seen = sid, set()
        while cur is not None and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)
        if cur in own:
            out[sid] = own[cur]
    return out
