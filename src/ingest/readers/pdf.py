"""PDF reader: bytes -> Layout, from the text layer where it is sound, else by OCR.

Each page is read once through pypdfium2 (characters, ruling edges, pictures; see
`pdf_content`), then tables and lines are built from that (`pdf_page`). A page whose text
is broken ((cid:N), private-use, mojibake) is read again through pdfplumber (pdfminer
decodes some fonts differently); a page that is still unreadable, or that is a picture
with (almost) no text, goes to OCR, and so do the table-like pictures of a text page.
Limits are enforced as the document is read: page count before any page is parsed, the
wall-time deadline before each page, and image sizes before anything is decoded or
rendered.
"""
from __future__ import annotations

import logging
import re
import time
import zlib
from io import BytesIO

from ..errors import InvalidInput, LimitExceeded
from ..layout import Layout
from ..settings import Settings
from .pdf_content import Box, PageContent, pdfium_content, plumber_content
from .pdf_flow import remove_furniture, to_blocks
from .pdf_items import PageItems
from .pdf_page import broken_text, page_items
from .pdf_ruled import centre_in

for _name in ("pdfminer", "pdfplumber", "pypdfium2"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def one_line(exc: Exception) -> str:
    """An exception as a short single line: its type and first non-blank line of text."""
    first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), "")
    return f"{type(exc).__name__}: {first[:100]}" if first else type(exc).__name__


def check_bytes(data: bytes) -> None:
    """Reject what is plainly not a whole PDF before any parser sees it."""
    head = data[:1024]
    if b"%PDF-" not in head:
        start = data[:40].decode("latin-1", "replace").strip().replace("\n", " ")
        kind = "an HTML page" if re.search(rb"<(!doctype|html|head|body)", head, re.I) else repr(start[:20])
        raise InvalidInput(f"not a PDF: the file is {kind}")
    if b"%%EOF" not in data[-2048:]:
        raise InvalidInput("truncated PDF: no end-of-file marker")


_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
DEFLATE_MAX_RATIO = 1032  # deflate packs at most ~1032:1, so smaller streams cannot be bombs


def check_streams(data: bytes, limit: int) -> None:
    """Refuse a PDF with a Flate stream (a page's content, usually) that inflates past
    `limit` bytes (limits.max_unpacked_bytes), before any parser inflates it; only streams
    big enough to get there are inflated, piecewise, and nothing is kept."""
    for match in _STREAM_START.finditer(data):
        start, end = match.end(), data.find(b"endstream", match.end())
        if end < 0:
            return
        head = data[max(0, match.start() - 2000):match.start()]
        head = head[head.rfind(b" obj") + 1:]  # this stream's own dictionary
        if (end - start < limit // DEFLATE_MAX_RATIO or b"FlateDecode" not in head
                or _IMAGE.search(head)):  # pictures: the pixel limit (check_images) holds them
            continue
        inflater, rest, total = zlib.decompressobj(), data[start:end], 0
        try:
            while rest and total <= limit:
                total += len(inflater.decompress(rest, 1 << 22))
                rest = inflater.unconsumed_tail
        except zlib.error:
            continue  # a damaged stream: the parsers say what they make of it
        if total > limit:
            raise LimitExceeded(f"a stream inflates to over {limit} bytes, the limit "
                                "(limits.max_unpacked_bytes): a decompression bomb")


def open_document(data: bytes, settings: Settings):
    """The pypdfium2 document, after the encryption and page-count checks."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason or "security" in reason:
            raise InvalidInput("encrypted PDF: a password is needed to open it") from None
        raise InvalidInput(f"corrupt PDF: {one_line(exc)}") from None
    if len(doc) > settings.limits.max_pages:
        n = len(doc)
        doc.close()
        raise LimitExceeded(f"{n} pages is over the limit of {settings.limits.max_pages}")
    if len(doc) == 0:
        doc.close()
        raise InvalidInput("PDF has no pages")
    return doc


class PlumberPages:
    """pdfplumber's view of the same document, opened only if some page needs it."""

    def __init__(self, data: bytes):
        self.data, self.pdf = data, None

    def content(self, number: int) -> PageContent:
        import pdfplumber

        if self.pdf is None:
            self.pdf = pdfplumber.open(BytesIO(self.data))
        page = self.pdf.pages[number - 1]
        try:
            return plumber_content(page, number)
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def check_images(content: PageContent, settings: Settings) -> None:
    """Refuse a page holding an image bigger than the pixel limit (decompression bombs)."""
    for w, h in (picture.pixels for picture in content.images):
        if w * h > settings.limits.max_image_pixels:
            raise LimitExceeded(f"page {content.number}: image of {int(w)}x{int(h)} pixels is over "
                                f"the limit of {settings.limits.max_image_pixels}")


def needs_ocr(raw: str, content: PageContent, settings: Settings) -> bool:
    """A page of pictures: (almost) no text-layer characters, and an image or text drawn
    as outlines (many path points); or a scan a portal stamped with a line of text (a page
    mostly covered by one picture, with a stamp's worth of characters on it)."""
    chars = len(re.sub(r"\s+", "", raw))
    if chars < settings.ocr.min_chars_per_page and (
            bool(content.images) or content.path_points >= settings.ocr.min_outline_points):
        return True
    page = content.width * content.height
    return chars < settings.ocr.max_stamp_chars and any(
        picture.area >= 0.6 * page for picture in content.images)


def table_pictures(content: PageContent, items: PageItems, settings: Settings) -> list[Box]:
    """Where a text page shows a picture that may be a pasted table: big enough, no text
    printed over it, no table already found there (clipped to the page)."""
    out = []
    for picture in content.images:
        x0, top, x1, bottom = (max(0.0, picture.box[0]), max(0.0, picture.box[1]),
                               min(content.width, picture.box[2]), min(content.height, picture.box[3]))
        if (x1 - x0) * (bottom - top) < settings.ocr.min_picture_share * content.width * content.height \
                or x1 - x0 < 0.25 * content.width:
            continue
        if any(centre_in(c, (x0, top, x1, bottom)) for c in content.chars):
            continue
        if any(t.x0 < x1 and x0 < t.x1 and t.top < bottom and top < t.bottom for t in items.tables):
            continue
        out.append((x0, top, x1, bottom))
    return out


def with_picture_tables(items: PageItems, page, content: PageContent, settings: Settings) -> PageItems:
    """The text page's items plus the tables OCR finds in its table-like pictures."""
    if not (settings.ocr.enabled and settings.ocr.table_pictures) or page.get_rotation():
        return items
    boxes = table_pictures(content, items, settings)
    if boxes:
        from .ocr import picture_tables

        found = picture_tables(page, boxes, settings)
        items.tables += found
        items.ocr = items.ocr or bool(found)
    return items


def read_page(number: int, page, plumber: PlumberPages, settings: Settings) -> PageItems:
    """One page by the best route: pdfium's text layer, else pdfminer's, else OCR."""
    content = pdfium_content(page, number) if not page.get_rotation() else plumber.content(number)
    check_images(content, settings)
    items, raw = page_items(content)
    if broken_text(raw):
        items, raw = page_items(plumber.content(number))
        if not broken_text(raw) and raw.strip():
            return items
    elif not needs_ocr(raw, content, settings):
        return with_picture_tables(items, page, content, settings)
    if not settings.ocr.enabled:
        return items
    from .ocr import ocr_page

    return ocr_page(page, number, settings)


def read_pdf(data: bytes, settings: Settings) -> Layout:
    """The document's blocks in reading order, tables as cell grids, with page numbers."""
    check_bytes(data)
    check_streams(data, settings.limits.max_unpacked_bytes)
    deadline = time.monotonic() + settings.limits.max_seconds
    doc = open_document(data, settings)
    plumber = PlumberPages(data)
    pages: list[PageItems] = []
    try:
        for i in range(len(doc)):
            if time.monotonic() > deadline:
                raise LimitExceeded(f"over the time limit of {settings.limits.max_seconds:g}s at page {i + 1}")
            page = None
            try:
                page = doc[i]
                pages.append(read_page(i + 1, page, plumber, settings))
            except (InvalidInput, MemoryError):
                raise
            except Exception as exc:  # a damaged page: say which, never a traceback
                if "LimitExceeded" in str(exc):  # a deadline alarm that fired inside onnxruntime
                    raise LimitExceeded(f"over the time limit at page {i + 1} (OCR)") from None
                raise InvalidInput(f"page {i + 1} cannot be read: {one_line(exc)}") from None
            finally:
                if page is not None:
                    page.close()
        title = doc.get_metadata_value("Title")
    finally:
        plumber.close()
        doc.close()
    remove_furniture(pages)
    return Layout(blocks=to_blocks(pages), pages=len(pages),
                  ocr_pages=[p.number for p in pages if p.ocr],
                  title_hint=title if isinstance(title, str) and re.search(r"[\u4e00-\u9fff]", title) else None)
