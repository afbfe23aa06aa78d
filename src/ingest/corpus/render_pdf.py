"""PDF rendering with reportlab and a real CJK font: ruled tables with merged cells that may
break across pages, page numbers "- N -" and, on some reports, a running header."""
from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table as RLTable, TableStyle

from ..layout import Table
from .model import ReportSpec, TableBlock

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT = "WQYMicroHei"
TEXT_WIDTH = A4[0] - 50 * mm


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


def col_widths(table: Table) -> list[float]:
    """Label columns wide, number columns narrow, filling the text width."""
    n = table.n_cols
    if n == 10:  # requests
        fixed = [14 * mm, 20 * mm, 48 * mm]
        return fixed + [(TEXT_WIDTH - sum(fixed)) / 7] * 7
    if n == 4:
        return [TEXT_WIDTH * 0.34] + [TEXT_WIDTH * 0.22] * 3
    if n == 3:
        return [TEXT_WIDTH * 0.6, TEXT_WIDTH * 0.15, TEXT_WIDTH * 0.25]
    return [TEXT_WIDTH / n] * n


def rl_table(table: Table, st: dict[str, ParagraphStyle], split_in_row: bool = False) -> RLTable:
    data = [[""] * table.n_cols for _ in range(table.n_rows)]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONT", (0, 0), (-1, -1), font(), 7.5), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    for cell in table.cells:
        data[cell.row][cell.col] = Paragraph(cell.text, st["cell"]) if not cell.text.replace(".", "").isdigit() else cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (cell.col, cell.row),
                             (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    # a row printed all blank keeps a text line's height, as in an office suite's export
    blank = {r for r in range(table.n_rows) if not any(c.text for c in table.cells if c.row == r)}
    heights = [st["cell"].leading + 3 if r in blank else None for r in range(table.n_rows)]
    # split_in_row lets a page break fall inside a merged cell, as Word's PDF export does
    return RLTable(data, colWidths=col_widths(table), rowHeights=heights, style=TableStyle(commands),
                   splitByRow=1, splitInRow=int(split_in_row))


def story(spec: ReportSpec, split_in_row: bool | None = None) -> list:
    st = styles(spec.style.font_size)
    split_in_row = spec.style.split_in_row if split_in_row is None else split_in_row
    out: list = [Paragraph(spec.title, st["title"])]
    out += [Paragraph(t, st["body"]) for t in spec.lead]
    for sec in spec.sections:
        out.append(Paragraph(sec.heading, st["heading"]))
        for block in sec.blocks:
            if isinstance(block, TableBlock):
                out += [Spacer(1, 4), rl_table(block.table, st, split_in_row), Spacer(1, 6)]
            else:
                out.append(Paragraph(block.text, st["body"]))
    out.append(Spacer(1, 18))
    out += [Paragraph(line, st["right"]) for line in (spec.signature, spec.date_text) if line]
    return out


def decorate(spec: ReportSpec):
    """The page callback: running header and "- N -" page number as the report's style says."""
    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font(), 9)
        width, height = A4
        if spec.style.running_header:
            canvas.drawCentredString(width / 2, height - 15 * mm, spec.agency + "政府信息公开工作年度报告")
            canvas.setLineWidth(0.5)
            canvas.line(25 * mm, height - 17 * mm, width - 25 * mm, height - 17 * mm)
        if spec.style.page_numbers:
            canvas.drawCentredString(width / 2, 12 * mm, spec.style.page_numbers.format(n=doc.page))
        canvas.restoreState()
    return on_page


def render(spec: ReportSpec) -> bytes:
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=22 * mm, title=spec.title.replace(" ", ""), author=spec.agency,
                            creator="", producer="", invariant=1)
    on_page = decorate(spec)
    try:
        doc.build(story(spec), onFirstPage=on_page, onLaterPages=on_page)
    except UnboundLocalError:  # reportlab's in-row splitting fails on some merged-cell layouts
        buf = BytesIO()
        doc.filename = buf
        doc.build(story(spec, split_in_row=False), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
