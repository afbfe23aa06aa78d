"""The PDF reader's two page sources (pypdfium2, pdfplumber) read the same page alike."""
from __future__ import annotations

import io
import shutil
import subprocess

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.readers.pdf_content import pdfium_content, plumber_content
from ingest.readers.pdf_page import page_items
from pdfmaker import FONT, Writer, _register, grid_cells


def _report() -> bytes:
    w = Writer(header="XX区人民政府 政府信息公开", page_number="- {n} -")
    w.title("XX区人民政府2024年政府信息公开工作年度报告")
    w.heading("一、总体情况")
    w.paragraph("2024年，我区坚持以公开为常态、不公开为例外，共主动公开信息2050条。")
    w.table(grid_cells([["本列数据的统计部门", "自然人", "法人或其他组织", None, "总计"],
                        [None, None, "商业企业", "科研机构", None],
                        ["一、本年新收政府信息公开申请数量", "12", "3", "0", "15"],
                        ["二、上年结转政府信息公开申请数量", "1", "0", "0", "1"]]),
            [170, 70, 80, 70, 60], header_rows=2)
    w.paragraph("存在的主要问题是政策解读形式较为单一。")
    return w.bytes()


def _form_table() -> bytes:
    """A ruled 2x2 table drawn inside a Form XObject, placed with a translation."""
    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.beginForm("grid")
    for x0, y0 in ((0, 0), (120, 0), (0, 30), (120, 30)):
        c.rect(x0, y0, 120, 30)
    c.setFont(FONT, 10)
    for x, y, s in ((5, 40, "申请数量"), (125, 40, "15"), (5, 10, "办结数量"), (125, 10, "14")):
        c.drawString(x, y, s)
    c.endForm()
    c.saveState()
    c.translate(100, 600)
    c.doForm("grid")
    c.restoreState()
    c.save()
    return buf.getvalue()


def _both(data: bytes):
    doc, pdf = pdfium.PdfDocument(data), pdfplumber.open(io.BytesIO(data))
    try:
        for i, page in enumerate(pdf.pages):
            yield pdfium_content(doc[i], i + 1), plumber_content(page, i + 1)
    finally:
        pdf.close()
        doc.close()


def _edges(content) -> list[tuple]:
    return sorted((e["orientation"], round(e["x0"]), round(e["top"]), round(e["x1"]), round(e["bottom"]))
                  for e in content.edges if e["orientation"])


def _seen(items) -> tuple:
    tables = [[(c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.table.cells] for t in items.tables]
    return [ln.text for ln in items.lines], tables


@pytest.mark.parametrize("make", [_report, _form_table])
def test_pdfium_and_pdfplumber_give_the_same_page(make):
    pages = list(_both(make()))
    assert pages
    for fast, reference in pages:
        assert (fast.width, fast.height) == pytest.approx((reference.width, reference.height), abs=0.01)
        assert sorted(c["text"] for c in fast.chars) == sorted(c["text"] for c in reference.chars)
        for a, b in zip(sorted(fast.chars, key=lambda c: (round(c["top"]), c["x0"])),
                        sorted(reference.chars, key=lambda c: (round(c["top"]), c["x0"]))):
            assert a["x0"] == pytest.approx(b["x0"], abs=0.5)
            assert (a["top"] + a["bottom"]) / 2 == pytest.approx((b["top"] + b["bottom"]) / 2, abs=3)
        assert _edges(fast) == _edges(reference)
        assert _seen(page_items(fast)[0]) == _seen(page_items(reference)[0])


def test_a_table_inside_a_form_xobject_is_found_where_it_is_shown():
    (fast, _), = _both(_form_table())
    items, _ = page_items(fast)
    assert [(c.row, c.col, c.text) for c in items.tables[0].table.cells] == [
        (0, 0, "申请数量"), (0, 1, "15"), (1, 0, "办结数量"), (1, 1, "14")]
    table = items.tables[0]
    assert (round(table.x0), round(table.top)) == (100, round(A4[1] - 600 - 60))


def _rule(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}


def test_a_fragment_printed_without_its_top_rule_still_makes_cells():
    from ingest.readers.pdf_ruled import ruling_edges, table_cells

    fragment = [_rule("v", x, 50, x, 70) for x in (10, 100, 200)] + [_rule("h", 10, 70, 200, 70)]
    assert table_cells(ruling_edges(fragment)) == [[(10, 50, 100, 70), (100, 50, 200, 70)]]
    side_bars = [_rule("v", x, 50, x, 70) for x in (10, 200)]  # no rule joins them: no table
    assert table_cells(ruling_edges(side_bars)) == []


def test_a_grid_without_left_and_right_borders_keeps_its_outer_columns():
    from ingest.readers.pdf_ruled import ruling_edges, table_cells

    rows = [_rule("h", 10, y, 200, y) for y in (50, 70, 90)]
    dividers = [_rule("v", 100, 50, 100, 90)]
    cells = table_cells(ruling_edges(rows + dividers))
    assert cells == [[(10, 50, 100, 70), (100, 50, 200, 70), (10, 70, 100, 90), (100, 70, 200, 90)]]


def test_a_table_printed_without_side_borders_reads_whole():
    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    top = A4[1] - 100
    rows = [("一、本年新收政府信息公开申请数量", "15"), ("二、上年结转政府信息公开申请数量", "1")]
    for k in range(len(rows) + 1):
        c.line(60, top - 24 * k, 400, top - 24 * k)
    c.line(300, top, 300, top - 24 * len(rows))
    c.setFont(FONT, 10)
    for k, (label, value) in enumerate(rows):
        c.drawString(64, top - 24 * k - 16, label)
        c.drawString(304, top - 24 * k - 16, value)
    c.save()
    (fast, _), = _both(buf.getvalue())
    items, _ = page_items(fast)
    assert [[cell.text for cell in row] for row in items.tables[0].table.grid()] == [list(r) for r in rows]
    assert not items.lines


class _Watermarked(Writer):
    """Every page carries a diagonal pale stamp and a horizontal pale line, as portals add."""

    def _start_page(self) -> None:
        super()._start_page()
        c = self.c
        c.saveState()
        c.setFillColorRGB(0.85, 0.85, 0.85)
        c.setFont(FONT, 40)
        c.drawString(80, 150, "内部资料")
        c.translate(150, 300)
        c.rotate(40)
        c.drawString(0, 0, "某某市人民政府办公室")
        c.restoreState()


def test_watermarks_are_not_text():
    w = _Watermarked()
    w.heading("一、总体情况")
    w.paragraph("2024年共发布政策解读281篇，全年共主动公开信息2050条。")
    w.table(grid_cells([["信息内容", "本年制发件数"], ["规章", "3"]]), [200, 100])
    for fast, reference in _both(w.bytes()):
        seen = _seen(page_items(fast)[0])
        assert seen == _seen(page_items(reference)[0])
        lines, tables = seen
        assert lines == ["一、总体情况", "2024年共发布政策解读281篇，全年共主动公开信息2050条。"]
        assert tables == [[(0, 0, 1, 1, "信息内容"), (0, 1, 1, 1, "本年制发件数"), (1, 0, 1, 1, "规章"),
                           (1, 1, 1, 1, "3")]]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (scripts/system-deps.sh)")
def test_a_title_in_two_fonts_stays_one_line(tmp_path):
    """A page printed by a browser: the title's CJK and its year's digits come from two fonts
    whose descents differ by more than the line tolerance at a title's size (as 仿宋 and
    Times New Roman digits do in Word's PDFs)."""
    from ingest.readers.pdf import read_pdf
    from ingest.settings import Settings

    page = tmp_path / "report.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body>'
                    '<h1 style="font-size:32pt">青禾县市场监督管理局2023年政府信息公开工作年度报告</h1>'
                    '<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p></body></html>', encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=True)
    layout = read_pdf(pdf.read_bytes(), Settings())
    assert "".join(b.text for b in layout.blocks[:1]) == "青禾县市场监督管理局2023年政府信息公开工作年度报告"


def _framed_page(scale: float) -> bytes:
    """White-filled boxes behind four lines of prose (a text frame), a light-blue shaded
    cell, and a black-ruled 2 x 2 grid; the prose in 12-pt type set as 12/scale-pt type
    under a matrix of `scale` (WPS: 240 pt under 1/20; other producers: 1 pt under 12)."""
    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFillColorRGB(1, 1, 1)
    for k in range(4):
        c.rect(72, 700 - 27 * k, 450, 27, stroke=0, fill=1)
    c.setFillColorRGB(0.78, 0.85, 0.95)
    c.rect(100, 400, 240, 30, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for x0, y0 in ((100, 400), (220, 400), (100, 370), (220, 370)):
        c.rect(x0, y0, 120, 30)
    c.setFont(FONT, 12)
    for x, y, s in ((105, 410, "申请数量"), (225, 410, "15"), (105, 380, "办结数量"), (225, 380, "14")):
        c.drawString(x, y, s)
    for k in range(4):
        c.saveState()
        c.translate(80, 708 - 27 * k)
        c.scale(scale, scale)
        text = c.beginText(0, 0)
        text.setFont(FONT, 12 / scale)
        text.textOut("本机关坚持以公开为常态、不公开为例外，全面推进政务公开。")
        c.drawText(text)
        c.restoreState()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("scale", [0.05, 12.0])
def test_unseen_fills_are_no_rules_and_scaled_type_has_its_printed_size(scale):
    for content in next(_both(_framed_page(scale))):
        horizontal = sorted({round(e["top"]) for e in content.edges if e["orientation"] == "h"})
        assert min(horizontal) >= 842 - 430 - 1  # the white boxes' sides are not edges
        assert {round(c["size"]) for c in content.chars if c["text"].strip()} == {12}
        items, _ = page_items(content)
        assert [t.table.n_rows for t in items.tables] == [2]
        assert [c.text for c in items.tables[0].table.cells] == ["申请数量", "15", "办结数量", "14"]
        assert len(items.lines) == 4 and all(ln.text.startswith("本机关") for ln in items.lines)
