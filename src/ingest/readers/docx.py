"""DOCX reader: body paragraphs and tables in document order, merged cells kept.

python-docx opens the package; the body is walked at the XML level so that horizontal
(gridSpan) and vertical (vMerge) merges become real row/column spans, and Word's automatic
numbering (一、 （二） printed but not in the text) is put back in front of its paragraphs
(`docx_numbering`).
"""
from __future__ import annotations

import zipfile
from io import BytesIO

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from ..errors import InvalidInput, LimitExceeded
from ..layout import Block, Cell, Layout, Table
from ..settings import Settings
from .docx_numbering import Numbering


def check_unpacked_size(data: bytes, settings: Settings) -> None:
    """Refuse a package that unzips to more than the limit, before anything is unzipped."""
    try:
        total = sum(info.file_size for info in zipfile.ZipFile(BytesIO(data)).infolist())
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"corrupt DOCX: {exc}".splitlines()[0]) from None
    if total > settings.limits.max_unpacked_bytes:
        raise LimitExceeded(f"DOCX unzips to {total} bytes, over the limit of "
                            f"{settings.limits.max_unpacked_bytes}")


def read_docx(data: bytes, settings: Settings) -> Layout:
    check_unpacked_size(data, settings)
    try:
        document = Document(BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput(f"corrupt DOCX: {exc}".splitlines()[0]) from None
    except Exception as exc:  # lxml errors inside a damaged package
        raise InvalidInput(f"corrupt DOCX: {type(exc).__name__}") from None
    blocks: list[Block] = []
    numbering = Numbering(document)
    for child in body_items(document.element.body):
        if child.tag == qn("w:p"):
            block = paragraph_block(child)
            marker = numbering.marker(child)
            if marker and block.text.strip():
                block.text = marker + block.text
            if block.text.strip():
                blocks.append(block)
            else:
                blocks += picture_tables(document, child, settings)
        else:
            blocks.append(Block("table", table=read_table(child)))
    title = (document.core_properties.title or "").strip() or None
    return Layout(blocks=blocks, title_hint=title)


_WRAPPERS = ("w:sdt", "w:sdtContent", "w:customXml")  # content controls and custom XML


def body_items(element):
    """The paragraphs and tables of the body in order, including those that Word templates
    wrap in content controls (w:sdt) or custom XML."""
    for child in element.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in tuple(qn(t) for t in _WRAPPERS):
            yield from body_items(child)


_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def picture_tables(document, p, settings: Settings) -> list[Block]:
    """Tables pasted as pictures into an otherwise empty paragraph, read by OCR."""
    if not (settings.ocr.enabled and settings.ocr.table_pictures):
        return []
    blobs = [document.part.related_parts[rid].blob for blip in p.iter(_BLIP)
             if (rid := blip.get(_EMBED)) in document.part.related_parts]
    if not blobs:
        return []
    from .ocr import image_tables

    return [Block("table", table=item.table) for blob in blobs for item in image_tables(blob, settings)]


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        parts.append(node.text or "" if node.tag == qn("w:t") else ("\t" if node.tag == qn("w:tab") else "\n"))
    return "".join(parts).strip()


def paragraph_block(p) -> Block:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_name = (style.get(qn("w:val")) if style is not None else "") or ""
    level = None
    if style_name.lower().startswith(("heading", "title")) or style_name.isdigit():
        digits = "".join(ch for ch in style_name if ch.isdigit())
        level = int(digits) if digits else 1
    bold = p.find(f".//{qn('w:b')}") is not None
    return Block("heading" if level else "paragraph", _paragraph_text(p), level=level, bold=bold)


def read_table(tbl) -> Table:
    """w:tbl -> Table; a vMerge continuation extends the span of the cell above it."""
    cells: list[Cell] = []
    above: dict[int, Cell] = {}   # grid column -> cell that a vMerge continuation extends
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        col = 0
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = _int(props, "w:gridSpan", 1)
            vmerge = props.find(qn("w:vMerge")) if props is not None else None
            continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            if continues and col in above:
                above[col].rowspan = r - above[col].row + 1
            else:
                text = "\n".join(t for t in (_paragraph_text(p) for p in tc.iter(qn("w:p"))) if t)
                cell = Cell(r, col, text.replace("\n", "") if len(text) < 40 else text, 1, span)
                cells.append(cell)
                for c in range(col, col + span):
                    above[c] = cell
            col += span
    return Table(cells)


def _int(props, tag: str, default: int) -> int:
    if props is None:
        return default
    node = props.find(qn(tag))
    try:
        return int(node.get(qn("w:val"))) if node is not None else default
    except (TypeError, ValueError):
        return default
