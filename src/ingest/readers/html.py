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
_CHROME_TEXT = ("当前位置", "您的位置", "字号", "打印", "关闭窗口", "分享到", "主办单位", "备案号", "网站标识码",
                "扫一扫在手机", "附件下载", "相关链接", "相关文章", "相关阅读", "上一篇：", "下一篇：", "责任编辑：",
                "浏览次数：")
_DROP = ("script", "style", "noscript", "iframe", "form", "select", "button", "nav", "footer", "header", "head")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "center",
          "pre", "ul", "ol", "dl", "dd", "dt", "td", "th", "tbody", "thead", "tfoot", "tr", "body", "main", "table"}
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
    page_title = find_page_title(root, body) or _head_title(title_hint)
    if page_title and not _has_title(blocks):
        blocks.insert(0, Block("heading", page_title, level=1))
    return Layout(blocks=[b for b in blocks if b.kind == "table" or b.text.strip()], title_hint=title_hint)


def _head_title(title: str | None) -> str | None:
    """The report's title from the page's <title> (标题_栏目_站点: the part before the first
    separator), when that names a report."""
    first = re.split(r"[_|｜]| - | — ", title or "")[0].strip()
    return first if re.search(r"报告|年报", first) and len(first) <= 80 else None


def _has_title(blocks: list[Block]) -> bool:
    """The body opens with its own title, maybe over two lines (…2019年 / 政府信息公开工作年度报告)."""
    head = ""
    for block in blocks[:4]:
        text = re.sub(r"\s+", "", block.text)
        if block.kind == "table" or len(text) > 40 or re.search(r"[。，,；;：:]", text):
            break
        head += text
    return any(cue in head for cue in ("报告", "年报"))


def _text(el) -> str:
    return re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", el.text_content()).strip()


def strip_chrome(root) -> None:
    """Remove elements that are site furniture rather than report text."""
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None and el.tag != "head":
            el.drop_tree()
    least = _visible_lengths(root)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or least.get(el, 0) >= 200:
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        text = _text(el)
        small = len(text) < 200 and el.find(".//table") is None
        if small and (_CHROME.search(marks) or any(t in text for t in _CHROME_TEXT)):
            el.drop_tree()


def _visible_lengths(root) -> dict:
    """Per element, its characters other than whitespace (no more than its text's length):
    one pass, so a large element need not have its text read to be known as not small."""
    lengths: dict = {}

    def visit(el) -> int:
        n = len("".join((el.text or "").split())) if isinstance(el.tag, str) else 0
        for child in el:
            n += visit(child) + len("".join((child.tail or "").split()))
        if isinstance(el.tag, str):
            lengths[el] = n
        return n if isinstance(el.tag, str) else 0
    visit(root)
    return lengths


_UNIT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table"}
_LEAF_TAGS = {"div", "span", "font", "center", "section", "li", "dd", "td"}
_NESTED_BLOCKS = {"p", "div", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "section"}
_CONTAINERS = {"div", "td", "article", "section", "main", "body", "center", "font", "span", "blockquote"}


def find_body(root):
    """The element that holds the report's paragraphs: the container with the most
    non-link text in paragraph units (p, h1-h6, tables, divs of text alone) of its own.

    A unit counts for its nearest container; a wrapper that holds nothing but the unit
    (<div style="overflow-x:auto"><table>) passes it on to the container above. Menus,
    breadcrumbs and link lists are mostly anchor text, so they weigh little; the wrappers
    around the article (page frame, tabs, layout tables) hold units only through the article
    container, so they do not outweigh it. An article in several sibling containers (Word's
    WordSection1 / WordSection2, the tables in a section of their own) is taken whole."""
    body = root.find(".//body")
    fallback = body if body is not None else root
    scores: dict = {}
    units = list(_units(fallback))
    filled: dict = {}  # element -> how many of its children hold text
    for unit in units:
        container = _container_of(unit, filled)
        if container is not None:
            scores[container] = scores.get(container, 0) + _own_text_len(unit)
    if not scores:
        return fallback
    best = max(scores, key=lambda el: scores[el])
    if scores[best] <= 0:
        return fallback
    return _widen(best, [u for u in units if _article_like(u)], fallback)


def _widen(best, dense: list, top):
    """Climb from `best` (at most three levels) while the parent adds a table of figures or
    prose worth a third of the prose `best` holds: the rest of an article split over
    containers (a container of tables alone takes the prose around it)."""
    inside = {id(u) for u in dense if _inside(u, best)}
    held = sum(_own_text_len(u) for u in dense if id(u) in inside and u.tag != "table")
    current = best
    for _ in range(3):
        parent = current.getparent()
        if parent is None or current is top:
            break
        extra = [u for u in dense if id(u) not in inside and _inside(u, parent)]
        prose = sum(_own_text_len(u) for u in extra if u.tag != "table")
        if not any(u.tag == "table" for u in extra) and (prose == 0 or prose < max(held, 150) / 3):
            break
        current = parent
        inside |= {id(u) for u in extra}
        held += prose
    return current


def _article_like(unit) -> bool:
    """A unit that reads as report content: a table of figures, or a link-free paragraph of
    60+ characters (footer lines and link lists are neither)."""
    if unit.tag == "table":
        cells = unit.findall(".//td") + unit.findall(".//th")
        figures = sum(1 for c in cells if re.search(r"\d", _text(c)))
        return figures >= 4 and _own_text_len(unit) >= 0.7 * len(_text(unit))
    return _own_text_len(unit) >= 60 and _own_text_len(unit) >= 0.9 * len(_text(unit))


def _units(el):
    """Paragraph units under `el`, outermost first (a unit's own descendants are not units)."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag in _UNIT_TAGS and child.find(".//table") is None and (tag != "table" or is_data_table(child)):
            yield child
        elif tag in _LEAF_TAGS and not _has_block_descendant(child):
            yield child
        else:
            yield from _units(child)


def _has_block_descendant(el) -> bool:
    return any(d is not el and isinstance(d.tag, str) and d.tag.lower() in _NESTED_BLOCKS for d in el.iter())


def _container_of(unit, filled: dict):
    """The nearest ancestor that holds more than this one unit."""
    parent = unit.getparent()
    while parent is not None and parent.getparent() is not None:
        if parent not in filled:
            filled[parent] = sum(1 for ch in parent if isinstance(ch.tag, str) and ch.text_content().strip())
        if parent.tag in _CONTAINERS and filled[parent] > 1:
            return parent
        parent = parent.getparent()
    return parent


def _own_text_len(el) -> int:
    """Characters of text outside links (menus and link lists are all links)."""
    total = len(_text(el))
    links = sum(len(_text(a)) for a in el.iter("a"))
    return max(0, total - links)


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
    """Blocks of `el` in document order. Text that runs between block elements (text nodes,
    spans, links, bold runs — a sentence split over many spans) is one paragraph up to the next
    block element or <br>; a block element is always a paragraph of its own, so a heading
    printed with no whitespace before its body does not run into it."""
    if el.tag == "table":
        if is_data_table(el):
            yield Block("table", table=read_table(el))
            return
    if el.tag in _HEADINGS or el.tag == "p" and el.find(".//table") is None or not _has_block_descendant(el):
        yield from _paragraphs(el)
        return
    run: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag == "br":
            yield from _flush(run)
        elif isinstance(child.tag, str) and (child.tag in _BLOCK or _has_block_descendant(child)):
            yield from _flush(run)
            yield from walk(child)
        elif isinstance(child.tag, str):
            run.append(child.text_content())
        run.append(child.tail or "")
    yield from _flush(run)


def _flush(run: list[str]):
    """The inline text gathered so far as a paragraph (and the run emptied)."""
    text = re.sub(r"[ \t\r\n\f\v\u00a0\u3000]+", " ", "".join(run)).strip()
    run.clear()
    if text:
        yield Block("paragraph", text)


def _paragraphs(el):
    """A leaf element's text: a heading (h1-h6) is one block; a paragraph is one block per
    <br>-separated line, so an article typed as one <p> of lines still shows each chapter
    heading at the start of a block."""
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = [ln.strip() for ln in _text_keep_newlines(el).split("\n") if ln.strip()]
    if el.tag in _HEADINGS:
        yield Block("heading", "\n".join(lines), level=int(el.tag[1]))
        return
    for line in lines:
        yield Block("paragraph", line)


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
