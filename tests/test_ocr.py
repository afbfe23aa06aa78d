"""OCR of image-only pages and of pages whose text layer is unreadable (rapidocr, offline)."""
from __future__ import annotations

import socket
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest

from ingest.readers.ocr import engine, fix_number
from ingest.readers.ocr_grid import find_grids
from ingest.readers.pdf import read_pdf
from ingest.readers.pdf_tables import grid_from_boxes
from ingest.settings import Settings
from pdfmaker import Writer, grid_cells, outlined, scanned, strip_tounicode

SETTINGS = Settings()
TABLE = [["信息内容", "本年处理决定数量", None], [None, "行政许可", "行政处罚"], ["第二十条第（五）项", "492", "17"]]


def small_report() -> bytes:
    w = Writer(pagesize=(440, 300))  # small: OCR time grows with the page area
    w.heading("二、主动公开政府信息情况")
    w.paragraph("全年主动公开信息2050条，政策解读281篇。")
    w.table(grid_cells(TABLE), [110, 100, 100], size=10)
    return w.bytes()


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def content(layout) -> list:
    return [norm(b.text) if b.kind != "table" else
            [[norm(c.text) if c else "" for c in row] for row in b.table.grid()] for b in layout.blocks]


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("OCR tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_models_ship_inside_the_wheel():
    import rapidocr_onnxruntime

    package = Path(rapidocr_onnxruntime.__file__).parent
    eng = engine()
    assert engine() is eng  # loaded once per process
    for name in ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"):
        assert (package / "models" / name).stat().st_size > 1_000_000


def test_ruling_lines_give_the_cell_grid_with_spans():
    image = np.full((400, 600), 255, np.uint8)
    for y in (50, 150, 250, 350):
        cv2.line(image, (50, y), (550, y), 0, 2)
    for x in (50, 550):
        cv2.line(image, (x, 50), (x, 350), 0, 2)
    cv2.line(image, (250, 50), (250, 350), 0, 2)  # full-height column rule
    cv2.line(image, (400, 150), (400, 350), 0, 2)  # the top-right cell spans two columns
    grids, mask = find_grids(image, dpi=200)
    (grid,) = grids
    table, _ = grid_from_boxes(grid.cells, [""] * len(grid.cells), tol=6)
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells} == {
        (0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1),
        (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)}
    assert mask[50, 300] and not mask[100, 300]


def test_digit_lookalikes_in_cells():
    assert [fix_number(t) for t in ("o", "1O", "677.64", "行政许可", "l2")] == ["0", "10", "677.64", "行政许可", "12"]


def test_image_only_page_is_read_by_ocr_with_its_table(offline):
    original = small_report()
    layout = read_pdf(scanned(original, dpi=200), SETTINGS)
    assert layout.ocr_pages == [1] and layout.pages == 1
    assert content(layout) == content(read_pdf(original, SETTINGS))
    table = next(b.table for b in layout.blocks if b.kind == "table")
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 0)] == (2, 1) and spans[(0, 1)] == (1, 2)


def test_stripped_tounicode_parses_to_the_same_text_as_the_original(offline):
    original = small_report()
    broken = strip_tounicode(original)
    assert broken != original and len(broken) == len(original)
    layout = read_pdf(broken, SETTINGS)
    assert layout.ocr_pages == [1]
    assert content(layout) == content(read_pdf(original, SETTINGS))


def sideways(pdf: bytes, turns: int) -> bytes:
    """The scan of `pdf` with every page image turned `turns` quarter turns (counter-clockwise)."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    src, buf = pdfium.PdfDocument(pdf), io.BytesIO()
    out = canvas.Canvas(buf)
    for page in src:
        image = Image.fromarray(np.rot90(np.asarray(page.render(scale=200 / 72).to_pil().convert("L")), turns))
        w, h = image.size[0] * 72 / 200, image.size[1] * 72 / 200
        out.setPageSize((w, h))
        out.drawImage(ImageReader(image), 0, 0, w, h)
        out.showPage()
    out.save()
    return buf.getvalue()


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_page_scanned_on_its_side_or_upside_down_is_read_upright(offline, turns):
    original = small_report()
    layout = read_pdf(sideways(original, turns), SETTINGS)
    assert layout.ocr_pages == [1]
    assert content(layout) == content(read_pdf(original, SETTINGS))


def test_text_drawn_as_outlines_is_read_by_ocr(offline):
    import pypdfium2 as pdfium

    from ingest.readers.pdf_content import pdfium_content

    original = small_report()
    curves = outlined(original, dpi=400)
    drawn = pdfium_content(pdfium.PdfDocument(curves)[0], 1)
    assert not drawn.chars and not drawn.images and drawn.path_points >= SETTINGS.ocr.min_outline_points
    layout = read_pdf(curves, SETTINGS)
    assert layout.ocr_pages == [1]
    text = "".join(item for item in content(layout) if isinstance(item, str))
    assert "主动公开政府信息情况" in text and "全年主动公开信息2050条,政策解读281篇。" in text
    assert content(layout)[-1] == content(read_pdf(original, SETTINGS))[-1]  # the table, cell by cell


def test_a_table_pasted_as_a_picture_into_a_text_page_is_read():
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from pdfmaker import FONT, _register

    shot = table_screenshot()
    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 14)
    c.drawString(60, A4[1] - 80, "二、主动公开政府信息情况")
    c.setFont(FONT, 12)
    c.drawString(60, A4[1] - 110, "全年主动公开信息2050条，政策解读281篇。")
    c.drawImage(ImageReader(shot), 60, A4[1] - 250, shot.width * 72 / 200, shot.height * 72 / 200)
    c.drawString(60, A4[1] - 290, "三、收到和处理政府信息公开申请情况")
    c.save()
    layout = read_pdf(buf.getvalue(), SETTINGS)
    assert layout.ocr_pages == [1]
    got = content(layout)
    assert got[0] == "二、主动公开政府信息情况" and got[-1] == "三、收到和处理政府信息公开申请情况"
    assert got[2] == content(read_pdf(small_report(), SETTINGS))[-1]  # the table, cell by cell
    off = read_pdf(buf.getvalue(), Settings(ocr={"table_pictures": False}))
    assert off.ocr_pages == [] and not [b for b in off.blocks if b.kind == "table"]


def table_screenshot():
    """A ruled table as a picture, cropped to its ink (what a pasted screenshot looks like)."""
    import pypdfium2 as pdfium

    w = Writer(pagesize=(440, 300))
    w.table(grid_cells(TABLE), [110, 100, 100], size=10)
    page = pdfium.PdfDocument(w.bytes())[0].render(scale=200 / 72).to_pil().convert("L")
    ys, xs = np.nonzero(np.asarray(page) < 128)
    return page.crop((xs.min() - 10, ys.min() - 10, xs.max() + 10, ys.max() + 10))


def test_a_table_pasted_as_a_picture_into_a_word_file_is_read():
    import io

    from docx import Document
    from docx.shared import Inches

    from ingest.readers.docx import read_docx

    png = io.BytesIO()
    table_screenshot().save(png, format="PNG")
    doc = Document()
    doc.add_paragraph("二、主动公开政府信息情况")
    doc.add_picture(io.BytesIO(png.getvalue()), width=Inches(4.4))
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    out = io.BytesIO()
    doc.save(out)
    layout = read_docx(out.getvalue(), SETTINGS)
    assert content(layout)[1] == content(read_pdf(small_report(), SETTINGS))[-1]
    assert content(layout)[0] == "二、主动公开政府信息情况" and len(layout.blocks) == 3


@pytest.mark.parametrize("glyph,mark", [("/", "/"), ("—", "—"), ("-", "—"), ("1", None), ("7", None),
                                        ("0", None), ("l", None), ("|", None)])
def test_a_lone_stroke_in_a_cell_is_the_mark_printed_for_none(glyph, mark):
    from PIL import Image, ImageDraw, ImageFont

    from ingest.readers.ocr import nil_mark
    from pdfmaker import FONT_PATH

    image = Image.new("RGB", (40, 40), "white")
    ImageDraw.Draw(image).text((8, 2), glyph, font=ImageFont.truetype(FONT_PATH, 28), fill="black")
    assert nil_mark(np.asarray(image)[:, :, ::-1].copy()) == mark


def test_a_scan_stamped_with_a_line_of_text_is_still_read_by_ocr(offline):
    import io

    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from pdfmaker import FONT, _register

    original = small_report()
    page = pdfium.PdfDocument(original)[0]
    w, h = page.get_size()
    image = page.render(scale=200 / 72).to_pil().convert("L")
    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(w, h))
    c.drawImage(ImageReader(image), 0, 0, w, h)
    c.setFont(FONT, 6)
    c.drawString(10, 5, "本文件下载自青禾县人民政府门户网站 下载时间：2024年3月1日 10:20")  # the portal's stamp
    c.save()
    layout = read_pdf(buf.getvalue(), SETTINGS)
    assert layout.ocr_pages == [1]
    got = content(layout)
    assert got[0] == "二、主动公开政府信息情况"
    assert [x for x in got if isinstance(x, list)] == [content(read_pdf(original, SETTINGS))[-1]]
