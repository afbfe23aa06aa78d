"""What real office-suite PDFs do (issue 12), reproduced by the generator's `render_pdf.Quirks`
and read back: text frames (white boxes behind every line, visible boxes, a page border),
page-number footers, a spaced CJK text layer, a two-line title, one-character-per-line
labels, header cells wrapped inside a word, figures before their labels in text order, the
requests table broken across pages (with or without its header repeated), the proactive
table in pieces and a text layer set in huge fonts under a tiny matrix. Each is parsed and
scored against the gold record the generator writes."""
from __future__ import annotations

import re
from functools import lru_cache

import pypdfium2 as pdfium
import pytest

from ingest.corpus import build, compose
from ingest.corpus.render_pdf import OFFICE, Quirks, proactive_pieces, render, scaled_code, spaced
from ingest.evaluate import score_records
from ingest.ingest import parse_document
from ingest.readers.pdf import read_pdf
from ingest.readers.pdf_content import pdfium_content
from ingest.readers.pdf_ruled import _Cell, tables_in_frames
from ingest.settings import Settings
from pdfmaker import Writer

PDF = "application/pdf"
EXACT = ("agency", "year", "title", "report_date", "section_sentences", "table_cells", "checks")
SETTINGS = Settings()


@lru_cache(maxsize=None)
def spec_2021(i: int):
    """The i-th generated 2021-form report of a fixed seed (with all three tables)."""
    import random

    found = []
    k = 0
    while len(found) <= i:
        spec = compose.report(random.Random(f"quirks:{k}"), f"q{k:03d}")
        k += 1
        if spec.template == "2021" and spec.tables["requests"] and spec.tables["proactive"]:
            found.append(spec)
    return found[i]


def parse_against_gold(specs, quirks: Quirks) -> dict:
    """Render each spec with the quirks, parse it, and score it against its gold record."""
    gold, pred = [], []
    for spec in specs:
        data = render(spec, quirks)
        gold.append(build.gold_record(spec, data, spec.name + ".pdf", PDF).to_json_dict())
        parsed = parse_document(spec.name + ".pdf", data=data)
        assert parsed.status == "ok", (quirks, parsed.reason)
        pred.append(parsed.record.to_json_dict())
    return score_records(gold, pred)


def blocks(data: bytes):
    return read_pdf(data, SETTINGS).blocks


def page_lines(data: bytes) -> list[str]:
    """Each page's text layer as pdfium reads it, one line a line."""
    doc = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range().replace("\r", "") for page in doc]
    finally:
        doc.close()


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", text) for text in page_lines(data)]


SINGLE = {
    "white text frame": Quirks(framed="white"),
    "ruled text frame": Quirks(framed="ruled"),
    "page border": Quirks(framed="border"),
    "box around the body": Quirks(framed="box"),
    "page x of y footer": Quirks(footer="第 {n} 页 共 {m} 页"),
    "spaced text layer": Quirks(spaced_text=True),
    "two-line title": Quirks(title_lines=True),
    "two-line title, two sizes": Quirks(title_lines=True, title_sizes=(15.0, 20.0)),
    "vertical labels": Quirks(vertical_labels=True),
    "split header cells": Quirks(split_headers=True),
    "figures before labels": Quirks(numbers_first=True),
    "requests across pages": Quirks(break_requests=True),
    "requests across pages, header repeated": Quirks(break_requests=True, repeat_header=True),
    "proactive in pieces": Quirks(proactive_pieces=True),
    "scaled text layer": Quirks(scaled_text=True),
    "letter-spaced text": Quirks(letter_spaced=True),
}


@pytest.mark.parametrize("quirks", SINGLE.values(), ids=SINGLE.keys())
def test_each_quirk_alone_reads_exactly(quirks):
    scores = parse_against_gold([spec_2021(0)], quirks)
    for field in EXACT:
        assert scores[field] == 1.0, (field, scores[field])


def test_all_office_quirks_together_read_exactly():
    scores = parse_against_gold([spec_2021(i) for i in range(3)], OFFICE)
    for field in EXACT:
        assert scores[field] == 1.0, (field, scores[field])


def test_text_frames_are_paragraphs_not_tables():
    spec = spec_2021(1)
    for frame in ("white", "ruled"):
        got = blocks(render(spec, Quirks(framed=frame)))
        assert [b.page for b in got if b.kind == "table"] == [b.page for b in blocks(render(spec)) if b.kind == "table"]
        paragraphs = [b.text for b in got if b.kind == "paragraph"]
        assert spec.sections[0].heading in paragraphs  # the heading comes back as its own line
        lead = spec.lead[0]
        assert any(p.startswith(lead[:20]) for p in paragraphs), frame


def test_footers_are_removed_and_a_table_over_the_break_is_one_table():
    spec = spec_2021(2)
    data = render(spec, Quirks(footer="第 {n} 页 共 {m} 页", break_requests=True))
    pages = page_texts(data)
    # the requests table really starts on one page and ends on the next, a footer between
    start = next(i for i, t in enumerate(pages) if "本年新收政府信息公开申请数量" in t)
    assert "结转下年度继续办理" in pages[start + 1] and "结转下年度继续办理" not in pages[start]
    assert f"第{start + 1}页共{len(pages)}页" in pages[start]
    got = blocks(data)
    assert not [b for b in got if b.kind == "paragraph" and re.search(r"第\s*\d+\s*页", b.text)]
    requests = [b.table for b in got if b.kind == "table" and "本年新收" in "".join(c.text for c in b.table.cells)]
    assert len(requests) == 1 and "四、结转下年度继续办理" in [c.text for c in requests[0].cells]


@pytest.mark.parametrize("footer", ["- {n} -", "— {n} —", "·{n}·", "第 {n} 页 共 {m} 页", "第{n}页/共{m}页",
                                    "共 {m} 页 第 {n} 页", "{n}/{m}", "Page {n} of {m}"])
def test_page_number_footers_are_removed(footer):
    got = blocks(render(spec_2021(1), Quirks(footer=footer)))
    printed = {footer.format(n=n, m=m).replace(" ", "") for m in range(1, 9) for n in range(1, m + 1)}
    assert not [b.text for b in got if b.kind == "paragraph" and b.text.replace(" ", "") in printed]


def test_vertical_labels_and_split_headers_read_as_whole_cells():
    data = render(spec_2021(0), Quirks(vertical_labels=True, split_headers=True, numbers_first=True))
    cells = {c.text for b in blocks(data) if b.kind == "table" for c in b.table.cells}
    assert {"三、本年度办理结果", "商业企业", "社会公益组织", "法律服务机构"} <= cells
    # as printed: one character a line, and 商业企 / 业 in the header
    printed = "".join(page_lines(data))
    assert "三\n、\n本\n年" in printed and "商业企" in printed and "商业企业" not in printed


def test_proactive_pieces_are_separate_tables_and_still_read():
    spec = spec_2021(0)
    table = next(b.table for s in spec.sections for b in s.blocks if getattr(b, "kind", "") == "proactive")
    assert len(proactive_pieces(table)) == 4  # 第二十条第（一）（五）（六）（八）项
    got = [b for b in blocks(render(spec, Quirks(proactive_pieces=True))) if b.kind == "table"]
    assert len(got) >= 4 + 2  # the pieces (one of them over a page break), requests, review


def test_spaced_text_layer_reads_without_spaces_between_cjk():
    w = Writer()
    body = "2023年受理政府信息公开申请21件，均在法定期限内答复，未发生行政复议和行政诉讼。" * 2
    w.paragraph(spaced(body))
    w.paragraph(spaced("联系邮箱：open data@example.com。"))
    text = [b.text for b in blocks(w.bytes())]
    assert spaced("2023年受理") == "2023 年 受 理"  # as printed
    assert text == [body, "联系邮箱：open data@example.com。"]  # Latin words keep their space


@pytest.mark.parametrize("space", [0.0, 2.0, 3.5, 5.0])
def test_letter_spaced_lines_keep_numbers_and_words_whole(space):
    w = Writer(char_space=space)
    w.paragraph("2023年受理21件，电话0517-872225，网址 open data。", size=11)
    assert [b.text for b in blocks(w.bytes())] == ["2023年受理21件，电话0517-872225，网址open data。"]


def test_scaled_text_layer_has_printed_sizes():
    spec = spec_2021(0)
    sizes = []
    for quirks in (Quirks(), Quirks(scaled_text=True)):
        doc = pdfium.PdfDocument(render(spec, quirks))
        sizes.append(sorted({round(c["size"], 1) for c in pdfium_content(doc[0], 1).chars}))
        assert doc[0].get_textpage().get_text_range().replace("\r", "")  # text still there
        doc.close()
    assert sizes[0] == sizes[1] and max(sizes[1]) <= 20, sizes  # not 20 x the printed size


def test_scaled_code_keeps_glyph_places():
    code = "BT 1 0 0 1 72 700 Tm 24 0 Td /F1 12 Tf 20.4 TL (1 2 Td) Tj T* ET"
    assert scaled_code(code, 20).split() == "BT 0.05 0 0 0.05 72 700 Tm 480 0 Td /F1 240 Tf 408 TL (1 2 Td) Tj T* ET".split()


def cells(*rows) -> list:
    """Grid cells from (box, text, lines) triples."""
    return [_Cell(box, text, lines) for box, text, lines in rows]


PROSE = "本机关坚持以公开为常态、不公开为例外，全面推进政务公开工作。"
GRID = [((x, y, x + 100, y + 20), t, 1) for y, row in ((20, ("信息内容", "本年", "总计")), (40, ("规章", "1", "2")))
        for x, t in zip((0, 100, 200), row)]


def shifted(rows, dy: float) -> list:
    return [((b[0], b[1] + dy, b[2], b[3] + dy), t, n) for b, t, n in rows]


def test_frames_around_tables_are_cut_out():
    texts = lambda tables: [[c.text for c in t] for t in tables]  # noqa: E731
    # a framed prose line directly above a 2 x 3 grid, sharing its top rule
    assert texts(tables_in_frames(cells(((0, 0, 300, 20), PROSE, 1), *GRID))) == [
        ["信息内容", "本年", "总计", "规章", "1", "2"]]
    # a box around the body joins two tables through a heading and a paragraph between them
    joined = cells(((0, -10, 300, 20), "", 0), *GRID, ((0, 60, 300, 100), "三、收到和处理政府信息公开申请情况", 1),
                   *shifted(GRID, 80), ((0, 140, 300, 200), PROSE * 2, 3))
    assert texts(tables_in_frames(joined)) == [["信息内容", "本年", "总计", "规章", "1", "2"]] * 2
    # the frame's empty margin over a continued table, split by the table's first rule
    margin = cells(((0, 14, 100, 20), "", 0), ((100, 14, 300, 20), "", 0), *GRID)
    assert texts(tables_in_frames(margin)) == [["信息内容", "本年", "总计", "规章", "1", "2"]]
    # ... but a table's last row printed blank (no figures: zeros) is a row of the table
    blank_row = cells(*GRID, *[((x, 60, x + 100, 80), "", 0) for x in (0, 100, 200)])
    assert len(tables_in_frames(blank_row)[0]) == 9
    # a table's own full-width row (第二十条第（一）项) stays in the table
    item_row = cells(((0, 0, 300, 20), "第二十条第（一）项", 1), *GRID)
    assert len(tables_in_frames(item_row)[0]) == 7
    # a single column of framed lines, or a grid mostly of framed prose, is no table at all
    assert tables_in_frames(cells(((0, 0, 300, 20), PROSE, 1), ((0, 20, 300, 40), PROSE, 1))) == []
    wide = ((0, 0, 150, 20), PROSE * 2, 1), ((150, 0, 300, 20), "1", 1), ((0, 20, 150, 40), PROSE, 1), \
        ((150, 20, 300, 40), "2", 1)
    assert len(tables_in_frames(cells(*wide))) == 1  # long labels beside figures: still a table


def test_a_title_line_repeated_by_the_signature_is_not_a_running_head():
    from ingest.readers.pdf_flow import remove_furniture
    from ingest.readers.pdf_items import Line, PageItems

    def page(n: int, *lines: tuple[str, float, float]) -> PageItems:
        return PageItems(n, 595, 842, lines=[Line(t, 100, 400, top, top + size, size=size) for t, top, size in lines])

    pages = [page(1, ("运河区人民政府", 79, 18), ("2024年政府信息公开工作年度报告", 106, 18), ("正文", 300, 11)),
             page(2, ("运河区人民政府", 40, 9), ("正文", 300, 11)),
             page(3, ("正文", 300, 11)),
             page(4, ("运河区人民政府", 78, 11), ("2025年1月20日", 100, 11))]
    remove_furniture(pages)
    assert [ln.text for ln in pages[0].lines][:2] == ["运河区人民政府", "2024年政府信息公开工作年度报告"]
    # printed small at the top of two of four pages, it is a running head there
    assert [ln.text for ln in pages[1].lines] == ["正文"] and pages[3].lines[-1].text == "2025年1月20日"


def test_a_row_cut_by_the_page_break_with_its_text_below_is_one_row():
    from ingest.layout import Cell, Table
    from ingest.readers.pdf_items import TableItem
    from ingest.readers.pdf_tables import stitch

    edges = [0.1, 0.3, 0.6, 0.8, 0.9]
    # above the break: （四）无法提供 over two rows, the second only the cut-off top of a row
    top = Table([Cell(0, 0, "（四）无法提供", rowspan=2), Cell(0, 1, "1.本机关不掌握相关政府信息"), Cell(0, 2, "3"),
                 Cell(0, 3, "3"), Cell(1, 1, ""), Cell(1, 2, ""), Cell(1, 3, "")])
    bottom = Table([Cell(0, 0, ""), Cell(0, 1, "2.没有现成信息需要另行制作"), Cell(0, 2, ""), Cell(0, 3, ""),
                    Cell(1, 0, "（五）不予处理"), Cell(1, 1, "1.信访举报投诉类申请"), Cell(1, 2, "1"), Cell(1, 3, "1")])
    joined = stitch(TableItem(top, 700, 780, edges), TableItem(bottom, 70, 120, edges)).table
    rows = [[c.text if c else "" for c in row] for row in joined.grid()]
    assert rows == [["（四）无法提供", "1.本机关不掌握相关政府信息", "3", "3"],
                    ["（四）无法提供", "2.没有现成信息需要另行制作", "", ""],
                    ["（五）不予处理", "1.信访举报投诉类申请", "1", "1"]]
