"""Readers for HTML, DOCX, legacy .doc and text: the same report reads the same in every format."""
import subprocess

import pytest
from docx import Document

from ingest.ingest import parse_document
from ingest.pipeline import parse_bytes
from ingest.readers import DOC, office, sniff
from ingest.readers.docx import read_docx
from ingest.readers.html import read_html
from ingest.readers.office import soffice
from ingest.settings import Settings

from reports import as_docx, as_html, as_text, report_lines


@pytest.mark.parametrize("render,media", [
    (lambda ls: as_text(ls).encode("utf-8"), "text/plain"),
    (lambda ls: as_text(ls).encode("gb18030"), "text/plain"),
    (lambda ls: as_html(ls), "text/html"),
    (lambda ls: as_html(ls, "gbk"), "text/html"),
    (as_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_one_report_every_format(render, media):
    record = parse_bytes(render(report_lines()), "report")
    assert record.source.media_type == media
    assert record.meta.agency == "青禾县市场监督管理局" and record.meta.year == 2023
    assert record.meta.report_date == "2024-01-15" and record.meta.template == "2021"
    assert [s.id for s in record.sections] == ["preamble", "overview", "proactive", "requests",
                                               "review_litigation", "problems", "other_matters"]
    assert record.tables.proactive["normative_documents"] == {"made": 2, "repealed": 1, "in_force": 9}
    assert record.tables.requests["new_received"]["total"] == 5
    assert record.tables.review_litigation is None
    overview = next(s for s in record.sections if s.id == "overview")
    assert "主动公开信息86条" in overview.text and "规章" not in overview.text
    assert {c.rule: c.ok for c in record.checks}["requests_balance"] is True


def test_html_chrome_is_not_report_text():
    layout = read_html(as_html(report_lines()), Settings())
    text = layout.text()
    assert "当前位置" not in text and "备案号" not in text and "字号" not in text
    assert text.startswith("青禾县市场监督管理局2023年政府信息公开工作年度报告")


def test_html_rowspan_colspan():
    page = ("<html><body><div><p>x</p><table>"
            "<tr><td rowspan='2'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td><td>1</td></tr>"
            "<tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>2</td></tr></table></div></body></html>")
    (table,) = [b.table for b in read_html(page.encode(), Settings()).blocks if b.kind == "table"]
    grid = table.grid()
    assert grid[1][0].text == "三、本年度办理结果" and grid[0][2].text == "（一）予以公开"
    assert grid[1][3].text == "2"


def test_docx_content_inside_content_controls_is_read():
    import io

    from docx.oxml import OxmlElement

    doc = Document()
    doc.add_paragraph("一、总体情况")
    inner = doc.add_paragraph("全年主动公开信息2050条。")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "规章", "3"
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(content)
    inner._p.addprevious(sdt)
    content.append(inner._p)  # the paragraph and the table now live in a content control
    content.append(table._tbl)
    buf = io.BytesIO()
    doc.save(buf)
    blocks = read_docx(buf.getvalue(), Settings()).blocks
    assert [b.text for b in blocks if b.kind != "table"] == ["一、总体情况", "全年主动公开信息2050条。"]
    (grid,) = [b.table.grid() for b in blocks if b.kind == "table"]
    assert [c.text for c in grid[0]] == ["规章", "3"]


def test_a_docx_that_unzips_past_the_limit_is_refused_before_unzipping():
    from ingest.errors import LimitExceeded

    with pytest.raises(LimitExceeded, match="DOCX unzips to .* over the limit of 1000"):
        read_docx(as_docx(report_lines()), Settings(limits={"max_unpacked_bytes": 1000}))


def test_docx_merged_cells_become_spans():
    doc = Document()
    t = doc.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "申请人情况"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "（三）不予公开"
    t.cell(1, 1).text, t.cell(2, 1).text = "1.属于国家秘密", "2.其他法律行政法规禁止公开"
    import io
    buf = io.BytesIO()
    doc.save(buf)
    (table,) = [b.table for b in read_docx(buf.getvalue(), Settings()).blocks if b.kind == "table"]
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 0)] == (1, 3) and spans[(1, 0)] == (2, 1)


def test_sniff_by_bytes_not_name():
    assert sniff(b"%PDF-1.7 ...", "x.html") == "application/pdf"
    assert sniff(as_html(report_lines()), "x.pdf") == "text/html"
    assert sniff(as_docx(report_lines()), "x.bin").endswith("wordprocessingml.document")
    assert sniff(bytes(range(256)) * 4, "x.txt") == "application/octet-stream"


needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (scripts/system-deps.sh)")


@needs_soffice
def test_a_legacy_word_file_reads_like_its_docx(tmp_path):
    docx = as_docx(report_lines())
    (tmp_path / "report.docx").write_bytes(docx)
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "report.docx")],
                   check=True, capture_output=True, timeout=120)
    data = (tmp_path / "report.doc").read_bytes()
    assert sniff(data, "report.doc") == DOC
    legacy, modern = parse_bytes(data, "report.doc"), parse_bytes(docx, "report.docx")
    assert legacy.source.media_type == DOC
    assert legacy.meta == modern.meta and legacy.tables == modern.tables
    assert [(s.id, s.text) for s in legacy.sections] == [(s.id, s.text) for s in modern.sections]


@needs_soffice
def test_a_broken_legacy_file_fails_with_a_one_line_reason():
    parsed = parse_document("old.doc", data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2040)
    assert parsed.status == "failed" and parsed.reason == "corrupt .doc file: LibreOffice could not convert it"


def test_without_libreoffice_a_legacy_file_is_skipped_with_the_reason(monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    parsed = parse_document("old.wps", data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2040)
    assert parsed.status == "skipped" and "needs LibreOffice" in parsed.reason


def test_text_copied_from_a_web_page_without_blank_lines_keeps_its_chapters():
    from ingest.pipeline import parse_bytes
    from reports import report_lines

    lines = [ln for ln in report_lines() if isinstance(ln, str)]  # one paragraph a line, no blanks
    record = parse_bytes("\n".join(lines).encode(), "copied.txt").to_json_dict()
    assert [s["id"] for s in record["sections"]] == [
        "preamble", "overview", "proactive", "requests", "review_litigation", "problems", "other_matters"]
    assert record["meta"]["agency"] == "青禾县市场监督管理局" and record["meta"]["report_date"] == "2024-01-15"
    wrapped = "一、总体情况\n2023年，本局通过门户网站主动公开信息86\n条，及时回应群众关切。\n二、主动公开政府信息情况"
    from ingest.readers.text import blocks_from_lines

    blocks = blocks_from_lines(wrapped.split("\n"))
    assert [b.text.split("\n")[0] for b in blocks] == ["一、总体情况", "2023年，本局通过门户网站主动公开信息86",
                                                      "二、主动公开政府信息情况"]


def test_docx_chapters_numbered_by_word_read_with_their_markers():
    import zipfile
    from io import BytesIO

    from ingest.corpus.generate import render, specs
    from ingest.corpus.render_docx import auto_numbered
    from ingest.pipeline import parse_bytes

    spec = next(s for s in specs(60, seed=11) if auto_numbered(s))
    made = render(spec, "docx")
    body = zipfile.ZipFile(BytesIO(made.data)).read("word/document.xml").decode()
    assert "<w:numPr>" in body and "二、主动公开" not in body  # the markers are Word's numbering only
    record = parse_bytes(made.data, made.filename).to_json_dict()
    gold = made.record.to_json_dict()
    assert [s["heading"] for s in record["sections"]] == [s["heading"] for s in gold["sections"]]
    assert record["tables"] == gold["tables"]


def test_word_counting_formats():
    from ingest.readers.docx_numbering import FORMATS, chinese

    assert [chinese(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]
    assert FORMATS["decimalEnclosedCircle"](3) == "③" and FORMATS["ideographTraditional"](2) == "乙"
    assert FORMATS["upperRoman"](4) == "IV" and FORMATS["lowerLetter"](28) == "ab"


def test_html_text_runs_between_blocks_are_whole_paragraphs():
    page = ("<html><body><div class='content'>一、总体情况<br/><span>20</span><span>23</span><span>年，我局主动</span>"
            "<b>公开信息</b><a href='#'>86条</a>。<p>二、主动公开政府信息情况</p>全年未制发规章。</div></body></html>")
    texts = [b.text for b in read_html(page.encode(), Settings()).blocks]
    assert texts == ["一、总体情况", "2023年，我局主动公开信息86条。", "二、主动公开政府信息情况", "全年未制发规章。"]


def test_html_body_is_the_article_not_the_link_lists_around_it():
    links = "".join(f"<li><a href='/{i}'>某某县人民政府{2000 + i}年政府信息公开工作年度报告</a></li>" for i in range(40))
    page = (f"<html><head><title>某某县人民政府2023年政府信息公开工作年度报告_年报_某某县</title></head><body>"
            f"<div class='wrap'><ul class='menu'>{links}</ul><div class='box'><div class='src'>时间：2024-01-30</div>"
            "<div class='text'><p>一、总体情况</p><p>2023年，某某县主动公开政府信息1200条。</p>"
            "<p>二、主动公开政府信息情况</p><p>全年制发规范性文件3件。</p></div></div>"
            f"<div class='xg'>{links}</div></div></body></html>")
    layout = read_html(page.encode("gbk").replace(b"<head>", b"<head><meta charset='gbk'>"), Settings())
    texts = [b.text for b in layout.blocks]
    assert texts[0] == "某某县人民政府2023年政府信息公开工作年度报告"  # from <title>: the article has none
    assert texts[1:] == ["一、总体情况", "2023年，某某县主动公开政府信息1200条。", "二、主动公开政府信息情况",
                         "全年制发规范性文件3件。"]


def test_an_html_fragment_without_a_charset_decodes_as_gbk_or_utf8():
    page = ("<p>某某县统计局2015年政府信息公开工作年度报告</p><p>一、概述</p>"
            "<p>2015年，我局主动公开政府信息120条，其中机构职能类信息12条。</p>")
    for encoding in ("gbk", "utf-8"):
        data = page.encode(encoding)
        assert sniff(data, "page") == "text/html"
        assert [b.text for b in read_html(data, Settings()).blocks][1] == "一、概述"


def test_a_page_declaring_gb2312_but_served_as_utf8_reads_right():
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
            "<p>某某县统计局2015年政府信息公开工作年度报告</p><p>一、概述</p><p>2015年，我局主动公开政府信息120条。</p>"
            "</body></html>")
    assert [b.text for b in read_html(page.encode("utf-8"), Settings()).blocks][1] == "一、概述"
    assert [b.text for b in read_html(page.encode("gbk"), Settings()).blocks][1] == "一、概述"
