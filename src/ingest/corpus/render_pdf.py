"""PDF rendering with reportlab and a real CJK font: ruled tables with merged cells that may
break across pages, page numbers "- N -" and, on some reports, a running header.

`Quirks` adds what real office-suite PDFs do (issue 12), each off by default: the body in a
text frame (a white or visible box behind every prose line, a page border), footers such as
`第 N 页 共 M 页`, spaces between CJK characters in the text layer, the title over two
lines, tall merged labels one character per line, header cells wrapped inside a word,
figures drawn before their labels in text order, the requests table broken across pages
(with or without its header repeated) and the proactive table printed as one small table
per 第二十条 item, one of them broken across pages. The text a reader should get back is
the same with or without quirks, so the gold record does not change. Two habits of the text
layer itself: huge fonts under a tiny text matrix, and letter spacing (`2 0 2 3` apart).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table as RLTable, TableStyle

from ..layout import Cell, Table
from .model import ReportSpec, TableBlock

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT = "WQYMicroHei"
TEXT_WIDTH = A4[0] - 50 * mm


@dataclass(frozen=True)
class Quirks:
    """Real office-suite PDF habits to reproduce; the defaults render a clean export."""

    framed: str = ""               # "white" | "ruled": a box behind every prose line; "border": a page
    #                                border; "box": one box around the body, its sides on the tables' sides
    footer: str = ""               # page-number pattern over the style's: "- {n} -", "第 {n} 页 共 {m} 页"
    spaced_text: bool = False      # spaces between CJK characters, around full-width punctuation, after digits
    title_lines: bool = False      # agency on one line, 2023年…年度报告 on the next
    title_sizes: tuple[float, float] = (18.0, 18.0)  # ... in these font sizes
    vertical_labels: bool = False  # a label merged over many rows printed one character per line
    split_headers: bool = False    # figure columns so narrow that 商业企业 wraps as 商业企 / 业
    numbers_first: bool = False    # a table's figures come before its labels in text order
    break_requests: bool = False   # the requests table starts low on a page and goes on over the next
    repeat_header: bool = False    # ... with its header rows printed again on the next page
    proactive_pieces: bool = False  # one small table per 第二十条 item, one piece broken across pages
    scaled_text: bool = False      # text set in 20x its size under a 1/20 text matrix, as a WPS export does
    letter_spaced: bool = False    # body text set with 0.3 em between characters (digits too: 2 0 2 3)


OFFICE = Quirks(framed="white", footer="- {n} -", spaced_text=True, title_lines=True, vertical_labels=True,
                split_headers=True, numbers_first=True, break_requests=True, proactive_pieces=True,
                scaled_text=True, letter_spaced=True)


@lru_cache(maxsize=1)
def font() -> str:
    """Register the CJK TrueType font once per process and return its name."""
    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))
    return FONT


@lru_cache(maxsize=8)
def styles(size: float) -> dict[str, ParagraphStyle]:
    f = font()
    body = ParagraphStyle("body", fontName=f, fontSize=size, leading=size * 1.7, wordWrap="CJK",
                          firstLineIndent=size * 2, spaceAfter=size * 0.3)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=28, alignment=TA_CENTER,
                                firstLineIndent=0, spaceAfter=12),
        "heading": ParagraphStyle("heading", parent=body, fontSize=size + 1, leading=(size + 1) * 1.8,
                                  spaceBefore=6),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=7.5, leading=9.5, wordWrap="CJK", alignment=TA_CENTER),
    }


CELL_PADDING = 6.0  # reportlab's default left + right cell padding, in points


def col_widths(table: Table, split_headers: bool = False) -> list[float]:
    """Label columns wide, number columns narrow, filling the text width."""
    n = table.n_cols
    if n == 10:  # requests
        if split_headers:  # three header characters to a line: 商业企 / 业
            figure = 3.3 * styles(11.0)["cell"].fontSize + 2 * CELL_PADDING
            labels = TEXT_WIDTH - 7 * figure
            return [labels * 0.17, labels * 0.25, labels * 0.58] + [figure] * 7
        fixed = [14 * mm, 20 * mm, 48 * mm]
        return fixed + [(TEXT_WIDTH - sum(fixed)) / 7] * 7
    if n == 4:
        return [TEXT_WIDTH * 0.34] + [TEXT_WIDTH * 0.22] * 3
    if n == 3:
        return [TEXT_WIDTH * 0.6, TEXT_WIDTH * 0.15, TEXT_WIDTH * 0.25]
    return [TEXT_WIDTH / n] * n


class NumbersFirst(RLTable):
    """A table drawing its figures before its labels, as some exports order the text."""

    def draw(self) -> None:
        self._later: list[tuple] = []
        super().draw()
        for args in self._later:
            RLTable._drawCell(self, *args)

    def _drawCell(self, cellval, cellstyle, pos, size) -> None:
        if isinstance(cellval, Paragraph):
            self._later.append((cellval, cellstyle, pos, size))
        else:
            super()._drawCell(cellval, cellstyle, pos, size)


class FramedParagraph(Paragraph):
    """A paragraph with a box behind each of its lines, as a WPS/Word text frame exports:
    white fills (unseen, yet ruling lines to a table finder) or thin visible boxes."""

    frame = "white"

    def draw(self) -> None:
        canvas, lead = self.canv, self.style.leading
        n = len(getattr(self.blPara, "lines", ())) or 1
        canvas.saveState()
        if self.frame == "white":
            canvas.setFillColor(colors.white)
        else:
            canvas.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
            canvas.setLineWidth(0.4)
        top = self.height
        for i in range(n):
            canvas.rect(-2, top - (i + 1) * lead, self.width + 4, lead,
                        stroke=int(self.frame != "white"), fill=int(self.frame == "white"))
        canvas.restoreState()
        super().draw()


class RuledParagraph(FramedParagraph):
    """A paragraph in a visible box per line."""

    frame = "ruled"


class Leave(Flowable):
    """Empty space filling the frame but for `room` points, so what follows starts low."""

    def __init__(self, room: float):
        super().__init__()
        self.room = room

    def wrap(self, avail_width, avail_height):
        self.height = max(0.0, avail_height - self.room)
        return avail_width, self.height

    def draw(self) -> None:
        pass


_CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef"


def spaced(text: str) -> str:
    """The text as a spaced text layer prints it: a space between CJK characters, around
    full-width punctuation and after a number (`号 ， 邮 编 ：`, `2023 年`); Latin words
    keep their single spaces."""
    return spaced_numbers(re.sub(rf"(?<=[{_CJK}])(?=[{_CJK}])", " ", text))


def spaced_numbers(text: str) -> str:
    """A space between a number and the CJK text next to it (`2023 年`)."""
    return re.sub(rf"(?<=\d)(?=[{_CJK}])|(?<=[{_CJK}])(?=\d)", " ", text)


SCALE = 20.0  # how much bigger a scaled text layer sets its fonts
_STRING = re.compile(r"(\((?:\\.|[^\\)])*\))")  # a PDF string literal
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_FACTORS = {"Tm": (-1, -1, -1, -1, 0, 0), "Td": (1, 1), "TD": (1, 1), "Tf": (1,), "TL": (1,), "Tc": (1,),
            "Tw": (1,), "Ts": (1,)}  # per operand: times k (1), divided by k (-1), as is (0)


def scaled_code(code: str, k: float = SCALE) -> str:
    """A text object's operators with fonts `k` times bigger under a 1/k text matrix: the
    same glyphs in the same places, but a nominal font size `k` times what is printed."""
    parts = _STRING.split(code)
    for i in range(0, len(parts), 2):  # outside string literals
        out: list[str] = []
        operands: list[str] = []
        for token in parts[i].split():
            if _NUMBER.fullmatch(token):
                operands.append(token)
                continue
            factors = _FACTORS.get(token, ())
            if len(factors) == len(operands):
                operands = [f"{float(v) * k ** f:.6g}" if f else v for v, f in zip(operands, factors)]
            out += [*operands, token]
            operands = []
        parts[i] = f" {' '.join(out + operands)} "  # spaces around a string literal are harmless
    return "".join(parts)


class OfficeCanvas(Canvas):
    """A canvas that may set its text apart (`letter_space` points between characters, for
    the paragraph being drawn) and write it through `scaled_code`."""

    scaled = False
    letter_space = 0.0

    def drawText(self, aTextObject) -> None:  # noqa: N802 (reportlab's name)
        code = str(aTextObject.getCode())
        if self.letter_space:
            code = code.replace("BT ", f"BT {self.letter_space:g} Tc ", 1)
        self._code.append(scaled_code(code) if self.scaled else code)


class ScaledTextCanvas(OfficeCanvas):
    scaled = True


class LetterSpaced(Paragraph):
    """A paragraph set with space between its characters (a justified or letter-spaced
    line in WPS), laid out narrower so that its lines still fill the text width."""

    SPACE = 0.3  # of the font size

    def _share(self) -> float:
        return 1 / (1 + self.SPACE)

    def wrap(self, avail_width, avail_height):
        width, height = super().wrap(avail_width * self._share(), avail_height)
        return avail_width, height

    def split(self, avail_width, avail_height):
        return super().split(avail_width * self._share(), avail_height)

    def draw(self) -> None:
        self.canv.letter_space = self.SPACE * self.style.fontSize
        try:
            super().draw()
        finally:
            self.canv.letter_space = 0.0


REQUESTS_ROOM = 260.0  # points left on the page where a breaking requests table starts


class _Story:
    """Flowables for one report under one set of quirks."""

    def __init__(self, spec: ReportSpec, quirks: Quirks, split_in_row: bool):
        self.spec, self.q, self.split_in_row = spec, quirks, split_in_row
        self.st = styles(spec.style.font_size)

    def para(self, text: str, style: str) -> Paragraph:
        if self.q.spaced_text and style in ("body", "heading"):
            text = spaced(text)
        if self.q.framed in ("white", "ruled") and style in ("body", "heading"):
            return (FramedParagraph if self.q.framed == "white" else RuledParagraph)(text, self.st[style])
        if self.q.letter_spaced and style == "body":
            return LetterSpaced(text, self.st[style])
        return Paragraph(text, self.st[style])

    def title(self) -> list:
        title, agency = self.spec.title, self.spec.agency
        rest = title[len(agency):].strip() if title.startswith(agency) else ""
        if not (self.q.title_lines and rest):
            return [self.para(title, "title")]
        one, two = self.q.title_sizes
        first = ParagraphStyle("title1", parent=self.st["title"], fontSize=one, leading=one * 1.5, spaceAfter=0)
        second = ParagraphStyle("title2", parent=self.st["title"], fontSize=two, leading=two * 1.5)
        if self.q.spaced_text:
            rest = spaced_numbers(rest)
        return [Paragraph(agency, first), Paragraph(rest, second)]

    def cell(self, cell: Cell) -> object:
        if cell.text.replace(".", "").isdigit():
            return cell.text
        text = cell.text
        if self.q.vertical_labels and cell.rowspan >= 4 and cell.col == 0 and len(text) > 2:
            text = "<br/>".join(text)
        return Paragraph(text, self.st["cell"])

    def table(self, table: Table) -> RLTable:
        data: list[list[object]] = [[""] * table.n_cols for _ in range(table.n_rows)]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("FONT", (0, 0), (-1, -1), font(), 7.5), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
        for cell in table.cells:
            data[cell.row][cell.col] = self.cell(cell)
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (cell.col, cell.row),
                                 (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
        # a row printed all blank keeps a text line's height, as in an office suite's export
        blank = {r for r in range(table.n_rows) if not any(c.text for c in table.cells if c.row == r)}
        heights = [self.st["cell"].leading + 3 if r in blank else None for r in range(table.n_rows)]
        kind = NumbersFirst if self.q.numbers_first else RLTable
        header = header_rows(table) if self.q.repeat_header else 0
        # split_in_row lets a page break fall inside a merged cell, as Word's PDF export does
        return kind(data, colWidths=col_widths(table, self.q.split_headers), rowHeights=heights,
                    style=TableStyle(commands), splitByRow=1, splitInRow=int(self.split_in_row and not header),
                    repeatRows=header)  # reportlab leaves a repeated header open when it splits in a row

    def block(self, block: TableBlock) -> list:
        if block.kind == "proactive" and self.q.proactive_pieces:
            pieces = proactive_pieces(block.table)
            out: list = []
            for i, piece in enumerate(pieces):
                if i == len(pieces) // 2 and len(piece.cells) > 2:
                    out.append(Leave(2.2 * self.st["cell"].leading + 8))  # this piece breaks after its first row
                out += [self.table(piece), Spacer(1, 8)]
            return [Spacer(1, 4), *out]
        return [Spacer(1, 4), self.table(block.table), Spacer(1, 6)]

    def flowables(self) -> list:
        spec = self.spec
        out: list = self.title()
        out += [self.para(t, "body") for t in spec.lead]
        for sec in spec.sections:
            if self.q.break_requests and any(getattr(b, "kind", "") == "requests" for b in sec.blocks):
                out.append(Leave(REQUESTS_ROOM))  # the heading and the table's top rows, then a page break
            out.append(self.para(sec.heading, "heading"))
            for block in sec.blocks:
                out += self.block(block) if isinstance(block, TableBlock) else [self.para(block.text, "body")]
        out.append(Spacer(1, 18))
        out += [Paragraph(line, self.st["right"]) for line in (spec.signature, spec.date_text) if line]
        return out


def header_rows(table: Table) -> int:
    """How many rows at the top come before the first figure (the header a continued page
    repeats)."""
    rows = [c.row for c in table.cells if c.rowspan == 1 and _FIGURE.fullmatch(c.text.strip())]
    return min(rows, default=0)


_FIGURE = re.compile(r"[\d.,]+|[—/-]|无")


def proactive_pieces(table: Table) -> list[Table]:
    """The proactive grid cut before every full-width item row (第二十条第（一）项 …)."""
    cuts = sorted({c.row for c in table.cells if c.col == 0 and c.colspan == table.n_cols and c.rowspan == 1})
    if not cuts or cuts[0] != 0:
        cuts = [0, *cuts]
    bounds = list(zip(cuts, [*cuts[1:], table.n_rows]))
    out = []
    for start, end in bounds:
        cells = [Cell(c.row - start, c.col, c.text, rowspan=c.rowspan, colspan=c.colspan)
                 for c in table.cells if start <= c.row < end]
        if cells:
            out.append(Table(cells))
    return out


def story(spec: ReportSpec, split_in_row: bool | None = None, quirks: Quirks = Quirks()) -> list:
    split_in_row = spec.style.split_in_row if split_in_row is None else split_in_row
    return _Story(spec, quirks, split_in_row).flowables()


def decorate(spec: ReportSpec, quirks: Quirks = Quirks(), pages: int = 0):
    """The page callback: running header, page border and page number as the report's style
    and quirks say (`{m}` in the footer is the page count)."""
    pattern = quirks.footer or spec.style.page_numbers

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font(), 9)
        width, height = A4
        if spec.style.running_header:
            canvas.drawCentredString(width / 2, height - 15 * mm, spec.agency + "政府信息公开工作年度报告")
            canvas.setLineWidth(0.5)
            canvas.line(25 * mm, height - 17 * mm, width - 25 * mm, height - 17 * mm)
        if quirks.framed == "border":
            canvas.setLineWidth(0.8)
            canvas.rect(20 * mm, 18 * mm, width - 40 * mm, height - 38 * mm)
        elif quirks.framed == "box":  # the text frame's own box: a table's sides lie on it
            canvas.setLineWidth(0.5)
            canvas.rect(25 * mm, 22 * mm, width - 50 * mm, height - 47 * mm)
        if pattern:
            canvas.drawCentredString(width / 2, 12 * mm, pattern.format(n=doc.page, m=pages))
        canvas.restoreState()
    return on_page


def _build(spec: ReportSpec, quirks: Quirks, pages: int) -> bytes:
    def once(split_in_row: bool | None) -> bytes:
        buf = BytesIO()
        doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                                bottomMargin=22 * mm, title=spec.title.replace(" ", ""), author=spec.agency,
                                creator="", producer="", invariant=1)
        on_page = decorate(spec, quirks, pages)
        doc.build(story(spec, split_in_row, quirks), onFirstPage=on_page, onLaterPages=on_page,
                  canvasmaker=ScaledTextCanvas if quirks.scaled_text else OfficeCanvas)
        return buf.getvalue()
    try:
        return once(None)
    except UnboundLocalError:  # reportlab's in-row splitting fails on some merged-cell layouts
        return once(False)


def render(spec: ReportSpec, quirks: Quirks = Quirks()) -> bytes:
    """The report as a PDF; a footer that prints the page count is laid out twice."""
    data = _build(spec, quirks, 0)
    if "{m}" in (quirks.footer or spec.style.page_numbers):
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
        pages = len(doc)
        doc.close()
        data = _build(spec, quirks, pages)
    return data


def render_office(spec: ReportSpec) -> bytes:
    """The report with every office-suite quirk of `OFFICE`."""
    return render(spec, OFFICE)
