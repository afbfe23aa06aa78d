"""Build small report-like PDFs with reportlab for the PDF reader and OCR tests.

`Writer` lays out headings, wrapped paragraphs and ruled tables (merged cells, wrapped
labels, header rows repeated after a page break) on a canvas, with an optional running
header, page numbers and fake bold (every string drawn twice, slightly offset). Helpers
turn a PDF into an image-only scan, strip its ToUnicode maps, or make broken files.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.layout import Cell

FONT = "WQY"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
MARGIN = 60


def _register() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))


class Writer:
    def __init__(self, pagesize=A4, header: str | None = None, page_number: str | None = None,
                 fake_bold: bool = False, char_space: float = 0.0, encrypt=None, rotate: int = 0):
        _register()
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=pagesize, encrypt=encrypt)
        self.w, self.h = pagesize
        if rotate:  # shown turned by /Rotate 90, the content drawn turned back: a landscape page
            self.w, self.h = self.h, self.w
        self.header, self.page_number, self.fake_bold = header, page_number, fake_bold
        self.char_space, self.rotate = char_space, rotate
        self.page = 1
        self._start_page()

    # -- low level --
    def text(self, x: float, y: float, s: str, size: float = 12) -> None:
        """Draw `s` with its baseline at y (y measured from the top of the page)."""
        for dx in ((0, 0.4) if self.fake_bold else (0,)):
            t = self.c.beginText(x + dx, self.h - y)
            t.setFont(FONT, size)
            t.setCharSpace(self.char_space)
            t.textOut(s)
            self.c.drawText(t)

    def _start_page(self) -> None:
        if self.rotate:
            self.c.setPageRotation(90)
            self.c.translate(self.h, 0)
            self.c.rotate(90)
        self.y = MARGIN + 20
        if self.header:
            self.text(MARGIN, 35, self.header, 9)
            self.c.line(MARGIN, self.h - 40, self.w - MARGIN, self.h - 40)
        if self.page_number:
            label = self.page_number.format(n=self.page)
            self.text(self.w / 2 - 10, self.h - 30, label, 10)

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self._start_page()

    def _room(self, height: float) -> None:
        if self.y + height > self.h - MARGIN:
            self.new_page()

    # -- content --
    def wrap(self, text: str, width: float, size: float) -> list[str]:
        lines, cur = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, FONT, size) + self.char_space * len(cur) > width:
                lines.append(cur)
                cur = ""
            cur += ch
        return lines + [cur] if cur else lines

    def heading(self, text: str, size: float = 14) -> None:
        self._room(size * 2.2)
        self.y += size * 1.6
        self.text(MARGIN, self.y, text, size)
        self.y += size * 0.6

    def title(self, text: str, size: float = 18) -> None:
        self.y += size * 1.5
        width = pdfmetrics.stringWidth(text, FONT, size)
        self.text((self.w - width) / 2, self.y, text, size)
        self.y += size

    def paragraph(self, text: str, size: float = 12, indent: bool = True) -> None:
        first = 2 * size if indent else 0
        lines = self.wrap(text, self.w - 2 * MARGIN - first, size)
        rest = self.wrap(text[len(lines[0]):], self.w - 2 * MARGIN, size) if len(lines) > 1 else []
        for i, line in enumerate([lines[0], *rest]):
            self._room(size * 1.6)
            self.y += size * 1.6
            self.text(MARGIN + (first if i == 0 else 0), self.y, line, size)

    def table(self, cells: list[Cell], widths: list[float], header_rows: int = 0,
              size: float = 10, row_height: float | None = None) -> None:
        """A ruled table; rows that do not fit go to the next page under a repeated header."""
        n_rows = max(c.row + c.rowspan for c in cells)
        line_h = size * 1.3
        heights = []
        for r in range(n_rows):
            need = [len(self.wrap(c.text, sum(widths[c.col:c.col + c.colspan]) - 6, size))
                    for c in cells if c.row == r and c.rowspan == 1] or [1]
            heights.append(row_height or max(need) * line_h + 8)
        self.y += 6
        start = 0
        while start < n_rows:
            rows = self._rows_fitting(start, heights, cells)
            block = ([r for r in range(header_rows)] if start > 0 and header_rows else []) + rows
            self._draw_rows(block, cells, widths, heights, size, line_h)
            start = rows[-1] + 1
            if start < n_rows:
                self.new_page()

    def _rows_fitting(self, start: int, heights: list[float], cells: list[Cell]) -> list[int]:
        room = self.h - MARGIN - self.y - (sum(heights[:1]) if start else 0)
        rows, used = [], 0.0
        for r in range(start, len(heights)):
            if used + heights[r] > room and rows:
                break
            rows.append(r)
            used += heights[r]
        # never split a merged cell: back off to the start of a span
        while rows and any(c.row <= rows[-1] < c.row + c.rowspan - 1 for c in cells):
            rows.pop()
        return rows or [start]

    def _draw_rows(self, rows, cells, widths, heights, size, line_h) -> None:
        xs = [MARGIN + sum(widths[:i]) for i in range(len(widths) + 1)]
        ys, y = {}, self.y
        for r in rows:
            ys[r] = y
            y += heights[r]
        for c in cells:
            if c.row not in ys:
                continue
            span_rows = [r for r in range(c.row, c.row + c.rowspan) if r in ys]
            top, bottom = ys[c.row], ys[span_rows[-1]] + heights[span_rows[-1]]
            x0, x1 = xs[c.col], xs[c.col + c.colspan]
            self.c.rect(x0, self.h - bottom, x1 - x0, bottom - top)
            lines = self.wrap(c.text, x1 - x0 - 6, size)
            ty = top + (bottom - top - len(lines) * line_h) / 2 + size
            for line in lines:
                self.text(x0 + 3, ty, line, size)
                ty += line_h
        self.y = y + 4

    def bytes(self) -> bytes:
        self.c.save()
        return self.buf.getvalue()


def grid_cells(rows: list[list[str | None]]) -> list[Cell]:
    """Cells from a grid of strings; None continues the cell to the left (same row) or above."""
    cells: list[Cell] = []
    owner: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is not None:
                owner[(r, c)] = cell = Cell(r, c, text)
                cells.append(cell)
            elif c > 0 and (r, c - 1) in owner and owner[(r, c - 1)].row == r:
                cell = owner[(r, c - 1)]
                cell.colspan = c - cell.col + 1
                owner[(r, c)] = cell
            else:
                cell = owner[(r - 1, c)]
                cell.rowspan = r - cell.row + 1
                owner[(r, c)] = cell
    return cells


def strip_tounicode(pdf: bytes) -> bytes:
    """The same PDF with every font's ToUnicode map unlinked (same byte length, xref intact)."""
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def scanned(pdf: bytes, dpi: int = 150) -> bytes:
    """Every page rendered to an image and placed alone on a page of a new PDF (a scan)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    src = pdfium.PdfDocument(pdf)
    buf = io.BytesIO()
    out = canvas.Canvas(buf)
    for page in src:
        w, h = page.get_size()
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        out.setPageSize((w, h))
        out.drawImage(ImageReader(image), 0, 0, w, h)
        out.showPage()
    out.save()
    src.close()
    return buf.getvalue()


def many_pages(n: int) -> bytes:
    """A valid PDF of `n` empty pages, written directly (fast for thousands of pages)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (i + 3) for i in range(n))
            + b"] /Count %d >>" % n]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * n
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def with_image(pixels: tuple[int, int]) -> bytes:
    """A one-page PDF showing a grey image of the given size in pixels."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(Image.new("L", pixels, 200)), 50, 400, 200, 200)
    c.showPage()
    c.save()
    return buf.getvalue()


def outlined(pdf: bytes, dpi: int = 200) -> bytes:
    """Every page redrawn as filled vector outlines of its ink (no text, no images): what a
    "convert text to curves" export gives."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf)
    buf = io.BytesIO()
    out = canvas.Canvas(buf)
    f = 72 / dpi
    for page in src:
        w, h = page.get_size()
        gray = np.asarray(page.render(scale=dpi / 72).to_pil().convert("L"))
        contours, _ = cv2.findContours((gray < 128).astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        out.setPageSize((w, h))
        path = out.beginPath()
        for contour in contours:
            points = [(float(x) * f, h - float(y) * f) for x, y in contour[:, 0, :]]
            path.moveTo(*points[0])
            for point in points[1:]:
                path.lineTo(*point)
            path.close()
        out.drawPath(path, stroke=0, fill=1, fillMode=0)  # even-odd: holes stay open
        out.showPage()
    out.save()
    src.close()
    return buf.getvalue()
