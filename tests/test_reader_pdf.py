"""The PDF reader on PDFs made here with reportlab: text, furniture, tables, broken files, limits."""
from __future__ import annotations

import os
import re
import time

import pytest

from ingest.errors import InvalidInput, LimitExceeded
from ingest.readers import PDF, read, sniff
from ingest.readers.pdf import read_pdf
from ingest.settings import Limits, Settings
from pdfmaker import Writer, grid_cells, many_pages, with_image

HEADER = "政府信息公开工作年度报告"
TITLE = "测试县人民政府2024年政府信息公开工作年度报告"
LONG = ("全年通过政府网站公开信息958条，通过政务新媒体发布信息941条，财政预决算、重大项目、"
        "公示公告等重点领域信息均按要求及时公开，未发生应公开而未公开的情况。")
SETTINGS = Settings()


def paragraphs(layout) -> list[str]:
    return [b.text for b in layout.blocks if b.kind == "paragraph"]


def tables(layout):
    return [b.table for b in layout.blocks if b.kind == "table"]


def texts(table) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in table.grid()]


@pytest.fixture(scope="module")
def report() -> bytes:
    """Three pages with a running header, page numbers and a paragraph over a page break."""
    w = Writer(header=HEADER, page_number="- {n} -")
    w.title(TITLE)
    w.paragraph("为保障公民、法人和其他组织依法获取政府信息，编制本报告。")
    w.heading("一、总体情况")
    for i in range(1, 6):
        w.paragraph(f"（{'一二三四五'[i - 1]}）第{i}项工作。" + LONG * 3)
    w.heading("二、主动公开政府信息情况")
    w.paragraph("本年度未制发规章和行政规范性文件。")
    w.new_page()
    w.heading("三、其他需要报告的事项")
    w.paragraph("本年度无其他需要报告的事项。")
    return w.bytes()


def test_pdf_is_sniffed_and_read_through_the_registry(report):
    assert sniff(report, "x.pdf") == PDF
    layout = read(report, PDF, SETTINGS)
    assert layout.media_type == PDF and layout.pages == 3 and layout.ocr_pages == []


def test_running_header_and_page_numbers_are_removed(report):
    layout = read_pdf(report, SETTINGS)
    body = "\n".join(paragraphs(layout))
    assert HEADER not in body.replace(TITLE, "")
    assert not re.search(r"-\s*\d\s*-", body)
    assert all(b.page in (1, 2, 3) for b in layout.blocks)


def test_wrapped_lines_rejoin_and_headings_start_blocks(report):
    layout = read_pdf(report, SETTINGS)
    paras = paragraphs(layout)
    assert paras[0] == TITLE
    assert "一、总体情况" in paras and "二、主动公开政府信息情况" in paras
    for i in range(1, 6):
        # each numbered paragraph is one block, its wrapped lines joined without spaces,
        # including the one that continues over the page break
        assert f"（{'一二三四五'[i - 1]}）第{i}项工作。" + LONG * 3 in paras
    assert paras[-1] == "本年度无其他需要报告的事项。"


def test_fake_bold_and_spaced_cjk_come_out_clean():
    w = Writer(fake_bold=True, char_space=3)
    w.heading("一、总体情况")
    w.paragraph("2024年共发布政策解读281篇，全年共主动公开信息2050条。")
    layout = read_pdf(w.bytes(), SETTINGS)
    assert paragraphs(layout) == ["一、总体情况", "2024年共发布政策解读281篇，全年共主动公开信息2050条。"]


def _request_table() -> list[list[str | None]]:
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, "申请人情况", None, None],
            [None, None, "自然人", "法人或其他组织", "总计"],
            ["一、本年新收政府信息公开申请数量", None, "3", "4", "7"],
            ["三、本年度办理结果", "（一）予以公开", "1", "2", "3"],
            [None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0", "1", "1"],
            ["四、结转下年度继续办理", None, "2", "1", "3"]]
    return rows


def test_ruled_table_keeps_merged_cells_and_the_text_around_it():
    w = Writer()
    w.heading("三、收到和处理政府信息公开申请情况")
    w.paragraph("本年度未制发规章和行政规范性文件。")
    w.table(grid_cells(_request_table()), [170, 130, 60, 90, 50])
    w.paragraph("表格之后的说明文字。")
    layout = read_pdf(w.bytes(), SETTINGS)
    kinds = [b.kind for b in layout.blocks]
    assert kinds == ["paragraph", "paragraph", "table", "paragraph"]
    (table,) = tables(layout)
    assert (table.n_rows, table.n_cols) == (6, 5)
    spans = {(c.row, c.col): (c.rowspan, c.colspan, c.text) for c in table.cells}
    assert spans[(0, 0)] == (2, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    assert spans[(0, 2)] == (1, 3, "申请人情况")
    assert spans[(3, 0)] == (2, 1, "三、本年度办理结果")
    assert spans[(4, 1)][2] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"  # wrapped label
    assert texts(table)[5] == ["四、结转下年度继续办理", "四、结转下年度继续办理", "2", "1", "3"]
    body = "".join(paragraphs(layout))
    assert "申请人情况" not in body and "自然人" not in body


def test_table_over_a_page_break_is_stitched_without_its_repeated_header():
    rows = [["信息内容", "本年制发件数", "本年废止件数"]] + [[f"事项{i}", str(i), str(i * 2)] for i in range(1, 41)]
    w = Writer(header=HEADER, page_number="第 {n} 页")
    w.heading("二、主动公开政府信息情况")
    w.paragraph(LONG * 4)
    w.table(grid_cells(rows), [200, 120, 120], header_rows=1, row_height=22)
    w.heading("三、收到和处理政府信息公开申请情况")
    data = w.bytes()
    layout = read_pdf(data, SETTINGS)
    assert layout.pages == 2
    (table,) = tables(layout)
    assert texts(table) == rows
    assert paragraphs(layout)[-1] == "三、收到和处理政府信息公开申请情况"


def test_landscape_and_rotated_pages():
    from reportlab.lib.pagesizes import A4, landscape

    for kwargs in ({"pagesize": landscape(A4)}, {"rotate": 90}):
        w = Writer(**kwargs)
        w.heading("四、政府信息公开行政复议、行政诉讼情况")
        w.table(grid_cells([["行政复议", None, "行政诉讼", None], ["结果维持", "总计", "结果维持", "总计"],
                            ["1", "2", "3", "4"]]), [120, 120, 120, 120])
        layout = read_pdf(w.bytes(), SETTINGS)
        assert paragraphs(layout) == ["四、政府信息公开行政复议、行政诉讼情况"], kwargs
        assert texts(tables(layout)[0])[2] == ["1", "2", "3", "4"], kwargs


def test_unruled_table_from_word_positions():
    w = Writer()
    w.heading("二、主动公开政府信息情况")
    for label, a, b in [("信息内容", "本年制发件数", "现行有效件数"), ("规章", "0", "3"),
                        ("行政规范性文件", "12", "40"), ("行政许可", "492", "7")]:
        w.y += 20
        w.text(60, w.y, label)
        w.text(260, w.y, a)
        w.text(420, w.y, b)
    layout = read_pdf(w.bytes(), SETTINGS)
    (table,) = tables(layout)
    assert texts(table) == [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "3"],
                            ["行政规范性文件", "12", "40"], ["行政许可", "492", "7"]]
    assert paragraphs(layout) == ["二、主动公开政府信息情况"]


def _encrypted() -> bytes:
    w = Writer(encrypt="secret")
    w.paragraph("加密的报告")
    return w.bytes()


@pytest.mark.parametrize("make, reason", [
    (lambda r: _encrypted(), "encrypted"),
    (lambda r: r[: len(r) // 2], "truncated"),
    (lambda r: os.urandom(4096), "not a PDF"),
    (lambda r: b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF\n", "corrupt"),
    (lambda r: "<!DOCTYPE html><html><body>政府信息公开工作年度报告</body></html>".encode(), "HTML"),
])
def test_broken_files_are_rejected_with_a_one_line_reason(report, make, reason, capfd):
    start = time.monotonic()
    with pytest.raises(InvalidInput) as err:
        read_pdf(make(report), SETTINGS)
    assert reason.lower() in str(err.value).lower()
    assert "\n" not in str(err.value)
    assert time.monotonic() - start < 10
    assert capfd.readouterr().err == ""  # no parser warnings spilled on stderr


def test_five_thousand_pages_are_refused_by_the_page_limit():
    with pytest.raises(LimitExceeded, match="5000 pages"):
        read_pdf(many_pages(5000), SETTINGS)


def test_an_image_over_the_pixel_limit_is_refused_before_decoding():
    settings = Settings(limits=Limits(max_image_pixels=10_000))
    with pytest.raises(LimitExceeded, match="200x200"):
        read_pdf(with_image((200, 200)), settings)


def test_the_time_limit_is_checked_per_page(report):
    with pytest.raises(LimitExceeded, match="time limit"):
        read_pdf(report, Settings(limits=Limits(max_seconds=0)))


def test_broken_text_layers_are_recognised():
    from ingest.readers.pdf_page import broken_text

    assert broken_text("(cid:12)(cid:13)(cid:14)一、总体情况")
    assert broken_text("\ue001\ue002\ue003\ue004 报告")
    assert broken_text("ÄÅÇÉÑÖÜáàâäãåç")
    assert not broken_text("一、总体情况（一）主动公开 2024年 Page 3")
    assert not broken_text("")


def test_a_row_cut_by_the_page_break_is_mended_and_spans_continue():
    from ingest.layout import Table
    from ingest.readers.pdf_items import TableItem
    from ingest.readers.pdf_tables import stitch

    edges = [0.1, 0.3, 0.5, 0.7, 0.9]
    top = TableItem(Table(grid_cells([["三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由", "0"],
                                      [None, None, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申", "0"]])),
                    top=500, bottom=780, col_edges=edges)
    bottom = TableItem(Table(grid_cells([["", "", "请", ""], [None, None, "3.其他", "5"],
                                         ["四、结转下年度继续办理", None, None, "1"]])),
                       top=70, bottom=120, col_edges=edges)
    table = stitch(top, bottom).table
    assert texts(table) == [
        ["三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由", "0"],
        ["三、本年度办理结果", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0"],
        ["三、本年度办理结果", "（六）其他处理", "3.其他", "5"],
        ["四、结转下年度继续办理"] * 3 + ["1"]]
    assert {(c.row, c.col): c.rowspan for c in table.cells}[(0, 0)] == 3


def _stitched(above_rows, below_rows):
    from ingest.layout import Table
    from ingest.readers.pdf_items import TableItem
    from ingest.readers.pdf_tables import stitch

    edges = [0.1 + 0.2 * k for k in range(len(above_rows[0]) + 1)]
    top = TableItem(Table(grid_cells(above_rows)), top=500, bottom=780, col_edges=edges)
    bottom = TableItem(Table(grid_cells(below_rows)), top=70, bottom=120, col_edges=edges)
    return texts(stitch(top, bottom).table)


def test_a_label_cut_by_the_page_break_in_a_row_of_blanks_is_mended():
    got = _stitched([["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "无"],
                     [None, None, "2.其他法律行政法", ""]],
                    [["", "", "规禁止公开", ""], [None, None, "3.危及“三安全一稳定”", "无"]])
    assert [row[2] for row in got] == ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”"]


def test_a_new_item_after_the_break_is_not_taken_for_the_rest_of_the_row_above():
    got = _stitched([["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "2"]],
                    [["", "", "2.没有现成信息需要另行制作", ""], [None, None, "3.补正后申请内容仍不明确", "2"]])
    assert [row[2] for row in got] == ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                                       "3.补正后申请内容仍不明确"]
    assert [row[3] for row in got] == ["2", "", "2"]


def test_a_header_above_the_break_does_not_fill_a_blank_figure_below_it():
    got = _stitched([["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]],
                    [["行政处罚", "286", "5", ""], ["行政强制", "22", "", "52"]])
    assert got[1] == ["行政处罚", "286", "5", ""]


def test_doubled_characters_are_detected_before_the_costly_dedupe():
    from ingest.readers.pdf_page import has_doubled_chars

    first = {"text": "公", "x0": 50.0, "top": 100.0}
    same_column_next_line = {"text": "公", "x0": 50.0, "top": 140.0}
    fake_bold_twin = {"text": "公", "x0": 50.3, "top": 100.3}
    assert has_doubled_chars([first, same_column_next_line, fake_bold_twin])
    assert not has_doubled_chars([first, same_column_next_line])
