"""HTML reader: a gov-CMS article page -> Layout of the report body only.

Steps: decode (charset from meta or bytes) -> parse (lxml) -> drop site chrome (nav,
breadcrumbs, 字号 大中小, 打印, footer) -> pick the element holding the report body ->
walk it in document order into paragraph and table blocks (rowspan/colspan kept). The
page title (<h1>, <title>) is kept as the first block when it sits outside the body.
"""
from __future__ import annotations

import re

from lxml import etree, html

from ..errors import InvalidInput
from ..layout import Block, Cell, Layout, Table
from ..settings import Settings
from .encoding import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_CHROME = re.compile(r"nav|menu|crumb|footer|foot|header|head\b|top|share|print|font|toolbar|sidebar|"
                     r"copyright|links|info|position|location|tool|related|xgwz|bottom", re.I)
_CHROME_TEXT = ("当前位置", "您的位置", "字号", "打印", "关闭窗口", "分享到", "主办单位", "备案号", "网站标识码")
_DROP = ("script", "style", "noscript", "iframe", "form", "select", "button", "nav", "footer", "header", "head")
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote",
              "center", "pre", "ul", "ol", "dl", "dd", "dt", "font", "span", "td", "tbody", "tr", "body", "main"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def read_html(data: bytes, settings: Settings, charset: str | None = None) -> Layout:
    text = decode(data, charset or declared_charset(data))
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InvalidInput(f"cannot parse the HTML page: {exc}") from None
    title_hint = (root.findtext(".//title") or "").strip() or None
    strip_chrome(root)
    body = find_body(root)
    blocks = list(walk(body))
    page_title = find_page_title(root, body)
    if page_title and not any(page_title in b.text for b in blocks[:3]):
        blocks.insert(0, Block("heading", page_title, level=1))
    return Layout(blocks=[b for b in blocks if b.kind == "table" or b.text.strip()], title_hint=title_hint)


def _text(el) -> str:
    return re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", el.text_content()).strip()


def strip_chrome(root) -> None:
    """Remove elements that are site furniture rather than report text."""
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None and el.tag != "head":
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        text = _text(el)
        small = len(text) < 200 and el.find(".//table") is None
        if small and (_CHROME.search(marks) or any(t in text for t in _CHROME_TEXT)):
            el.drop_tree()


def find_body(root):
    """The element whose own paragraphs and tables hold the most text."""
    best, best_score = root.find(".//body") if root.find(".//body") is not None else root, 0
    for el in root.iter("div", "td", "article", "section", "main", "body"):
        score = sum(len(_text(ch)) for ch in el if isinstance(ch.tag, str) and ch.tag in ("p", "table", "div", "h1", "h2", "h3", "h4", "section", "span", "font", "center"))
        if score > best_score:
            best, best_score = el, score
    return best


def find_page_title(root, body) -> str | None:
    """A heading outside the body that names the report (the article title)."""
    for el in root.iter("h1", "h2", "h3", "div", "p", "span", "td"):
        if el is body or _inside(el, body):
            continue
        cls = f"{el.get('class', '')} {el.get('id', '')}"
        text = _text(el)
        if (el.tag in _HEADINGS or "title" in cls.lower()) and "报告" in text and len(text) <= 80:
            return text
    return None


def _inside(el, ancestor) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def walk(el):
    """Blocks of `el` in document order."""
    if el.tag == "table":
        if is_data_table(el):
            yield Block("table", table=read_table(el))
            return
    has_blocks = any(isinstance(ch.tag, str) and (ch.tag in BLOCK_TAGS or ch.tag == "table") and _text(ch)
                     for ch in el)
    if not has_blocks or el.tag in _HEADINGS or el.tag == "p" and el.find(".//table") is None:
        yield _paragraph(el)
        return
    if el.text and el.text.strip():
        yield Block("paragraph", el.text.strip())
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "br":
            pass
        elif child.tag in BLOCK_TAGS or child.tag == "table":
            yield from walk(child)
        elif _text(child):
            yield Block("paragraph", _text(child))
        if child.tail and child.tail.strip():
            yield Block("paragraph", child.tail.strip())


def _paragraph(el) -> Block:
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = "\n".join(ln.strip() for ln in _text_keep_newlines(el).split("\n") if ln.strip())
    kind = "heading" if el.tag in _HEADINGS else "paragraph"
    return Block(kind, text, level=int(el.tag[1]) if kind == "heading" else None)


def _text_keep_newlines(el) -> str:
    return re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", el.text_content())


def is_data_table(table) -> bool:
    """A table of figures, not a layout table wrapping the whole page."""
    if table.find(".//table") is not None:
        return False
    cells = table.findall(".//td") + table.findall(".//th")
    return bool(cells) and max(len(_text(c)) for c in cells) < 300


def read_table(table) -> Table:
    """<table> -> Table, honouring rowspan/colspan."""
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in table.iter("tr")]
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan, colspan = _span(td.get("rowspan")), _span(td.get("colspan"))
            cells.append(Cell(r, c, _text(td), rowspan, colspan))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
    return Table(cells)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1
