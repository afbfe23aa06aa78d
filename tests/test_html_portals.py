"""Real portal HTML and pre-2019 reports, as the generator reproduces them, parse to their gold.

The generator's `portal` (TRS/Hanweb chrome around Word-exported HTML) and `fragment` (article
HTML alone, no <html>/<head>/charset) variants, and legacy reports with free-form chapters,
prose statistics, a 统计表 chapter or appendix and a Chinese-numeral 落款.
"""
from __future__ import annotations

import re

import pytest

from ingest.corpus import build, render_html, specs
from ingest.corpus.generate import render
from ingest.corpus.model import TableBlock
from ingest.corpus.render_portal import title_how
from ingest.evaluate import score_records
from ingest.pipeline import parse_bytes
from ingest.readers.html import read_html
from ingest.settings import Settings

EXACT = ("agency", "year", "template", "report_date", "title", "section_sentences")


def _sample(n: int = 36, seed: int = 21):
    return list(specs(n, seed=seed))


def _parsed(spec, variant: str):
    data = render_html.render(spec, variant=variant)
    gold = build.gold_record(spec, data, spec.name + ".html", "text/html").to_json_dict()
    return data, gold, parse_bytes(data, spec.name + ".html").to_json_dict()


@pytest.mark.parametrize("variant", ["portal", "fragment"])
def test_every_template_parses_to_its_gold(variant):
    sample = _sample()
    assert {s.template for s in sample} == {"2021", "2019", "legacy"}
    golds, preds = [], []
    for spec in sample:
        _, gold, pred = _parsed(spec, variant)
        golds.append(gold)
        preds.append(pred)
    summary = score_records(golds, preds)
    for key in EXACT + ("table_cells", "checks"):
        assert summary[key] == 1.0, key
    assert summary["missing"] == 0


def _blank_cells(spec) -> bool:
    return any(c.text == "" for sec in spec.sections for b in sec.blocks if isinstance(b, TableBlock)
               for c in b.table.cells)


def test_a_fragment_is_the_article_alone_with_p_headings_and_a_page_date():
    spec = next(s for s in _sample(80) if s.template != "legacy" and _blank_cells(s))
    data, gold, pred = _parsed(spec, "fragment")
    text = data.decode("utf-8")
    assert not re.search(r"<html|<head|charset", text, re.I)
    assert re.search(r"<p><br />[一二三四五六七八九十]、", text) and "发布日期：" in text
    assert "&nbsp;" in text and re.search(r"<td[^>]*>[^<]+<br/>", text)  # blank cells, wrapped headers
    assert pred["meta"] == gold["meta"] and pred["tables"] == gold["tables"]


def test_a_chapter_typed_as_one_paragraph_of_lines_keeps_its_heading():
    hits = 0
    for spec in _sample():
        data, gold, pred = _parsed(spec, "fragment")
        if re.search(r"<p>(<br />)?[一二三四五六七八九十]、[^<]*<br />", data.decode("utf-8")):
            hits += 1
            assert [s["heading"] for s in pred["sections"]] == [s["heading"] for s in gold["sections"]]
            assert score_records([gold], [pred])["section_sentences"] == 1.0
    assert hits >= 5


def test_a_portal_page_has_chrome_word_html_and_a_page_date_line():
    spec = next(s for s in _sample() if s.template == "2021")
    data, gold, pred = _parsed(spec, "portal")
    text = data.decode(spec.style.html_encoding)
    for chrome in ("长者模式", "无障碍浏览", "分享到", "相关文章", "友情链接", "时间：", "_政府信息公开年报_"):
        assert chrome in text, chrome
    assert "class=MsoNormal" in text and "<o:p></o:p></P><P" in text  # no whitespace between paragraphs
    assert re.search(r"<SPAN lang=EN-US[^>]*>\d</SPAN><SPAN lang=EN-US[^>]*>\d</SPAN>", text)  # split digits
    sections = {s["id"]: s["text"] for s in pred["sections"]}
    assert not any(word in " ".join(sections.values()) for word in ("长者模式", "相关文章", "友情链接", "备案号"))


def test_page_furniture_inside_the_article_is_not_report_text():
    signed = 0
    for spec in _sample():
        data, gold, pred = _parsed(spec, "portal")
        if "责任编辑：".encode(spec.style.html_encoding) in data:
            signed += 1
            text = " ".join(s["text"] for s in pred["sections"])
            assert "责任编辑" not in text and "扫一扫" not in text and "上一篇" not in text, spec.name
            assert not any(re.search("责任编辑|扫一扫|上一篇", st["text"]) for st in pred["statements"])
    assert signed >= 5
    assert pred["meta"] == gold["meta"]


def test_an_article_split_over_word_sections_is_read_whole():
    split = []
    for spec in _sample(60):
        if spec.template == "legacy":
            continue
        data, gold, pred = _parsed(spec, "portal")
        if b"<DIV class=WordSection2>" in data:
            split.append(spec.name)
            assert score_records([gold], [pred])["section_sentences"] == 1.0, spec.name
            assert pred["tables"] == gold["tables"], spec.name
    assert len(split) >= 3


def test_the_title_only_in_the_page_title_and_over_two_paragraphs():
    seen = set()
    for spec in _sample(60):
        data, gold, pred = _parsed(spec, "portal")
        text = data.decode(spec.style.html_encoding)
        how = title_how(spec)
        assert ("article-title" in text) == (how != "none")
        seen.add(how)
        assert pred["meta"]["title"] == gold["meta"]["title"], (spec.name, how)
    assert seen == {"none", "two_p", "h1"}


def test_the_page_date_is_not_a_signature_date():
    spec = next(s for s in _sample(80) if s.report_date is None)
    for variant in ("portal", "fragment"):
        data, _, pred = _parsed(spec, variant)
        assert render_html.published_date(spec).encode() in data
        assert pred["meta"]["report_date"] is None


def test_the_reader_gives_the_grid_as_printed():
    page = ("<p>一、总体情况</p><table><tr><td rowspan='2'>信息内容</td><td colspan='2'>本年新<br/>制作数量</td></tr>"
            "<tr><td>&nbsp;</td><td>3</td></tr></table>")
    (table,) = [b.table for b in read_html(page.encode(), Settings()).blocks if b.kind == "table"]
    grid = table.grid()
    assert grid[0][1].text == "本年新制作数量" and grid[0][1] is grid[0][2]
    assert grid[1][0].text == "信息内容" and grid[1][1].text == "" and grid[1][2].text == "3"


# ---------------------------------------------------------------- pre-2019 reports
def _free_form(n: int = 160, seed: int = 3):
    """Legacy reports the generator wrote with free-form chapters."""
    return [s for s in specs(n, seed=seed)
            if s.template == "legacy" and s.sections[0].heading.endswith(("概述", "基本情况", "工作概况"))
            and any(b for sec in s.sections for b in sec.blocks if getattr(b, "sub", False))]


def test_free_form_chapters_cover_what_real_reports_print():
    headings = " ".join(sec.heading for s in _free_form() for sec in s.sections)
    for chapter in ("重点领域", "依申请公开、不予公开及咨询", "咨询处理", "收费及减免", "审批事项", "复议诉讼",
                    "工作人员", "统计表"):
        assert chapter in headings, chapter
    reports = _free_form()
    assert any(s.appendix for s in reports) and any("○" in (s.date_text or "") for s in reports)
    assert any("占" in p.text and "%" in p.text for s in reports for sec in s.sections for p in sec.blocks
               if not isinstance(p, TableBlock))


@pytest.mark.parametrize("fmt", ["html", "txt", "docx"])
def test_free_form_legacy_reports_parse_to_their_gold(fmt):
    golds, preds = [], []
    for spec in _free_form()[:12]:
        spec.name += "-" + fmt
        gen = render(spec, fmt)
        record = parse_bytes(gen.data, gen.filename).to_json_dict()
        assert record["meta"]["template"] == "legacy" and record["tables"] == gen.record.to_json_dict()["tables"]
        assert [(s["id"], s["heading"]) for s in record["sections"]] == \
            [(s.id, s.heading) for s in gen.record.sections], spec.name
        golds.append(gen.record.to_json_dict())
        preds.append(record)
    summary = score_records(golds, preds)
    for key in EXACT:
        assert summary[key] == 1.0, key


def test_a_table_only_statistics_chapter_is_an_empty_other_matters_section_and_an_appendix_is_none():
    reports = _free_form()
    chapter = next(s for s in reports if s.sections[-1].heading.endswith("统计表"))
    appendix = next(s for s in reports if s.appendix)
    for spec in (chapter, appendix):
        _, gold, pred = _parsed(spec, "portal")
        assert [(s["id"], s["heading"]) for s in pred["sections"]] == [(s["id"], s["heading"]) for s in gold["sections"]]
        assert pred["meta"]["report_date"] == spec.report_date
    assert next(s for s in pred["sections"][::-1])["text"] == gold["sections"][-1]["text"]
    last = _parsed(chapter, "fragment")[2]["sections"][-1]
    assert last["id"] == "other_matters" and last["text"] == ""
