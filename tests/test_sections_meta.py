"""Sections and meta stages: heading spellings, glued headings, legacy chapters, dates."""
from ingest import dates, meta, screen, sections
from ingest.layout import Block, Layout


def _doc(*paragraphs: str) -> sections.SectionedDoc:
    return sections.split(Layout(blocks=[Block("paragraph", p) for p in paragraphs]))


def test_2021_headings_with_odd_spacing_and_a_glued_first_sentence():
    doc = _doc("某某县应急管理局 2023 年政府信息公开工作", "年度报告",
               "本报告根据《中华人民共和国政府信息公开条例》编制。",
               "一 、总体情况。2023年，我局主动公开信息120条。",
               "二．主动公开政府信息的情况",
               "三、收到和处理政府信息公开申请情况",
               "四、政府信息公开行政复议和行政诉讼情况",
               "五、政府信息公开工作存在的主要问题及改进情况",
               "一是信息更新不及时。",
               "六、其他需要报告的事项", "无。",
               "某某县应急管理局", "2024年1月20日")
    ids = [p.id for p in doc.parts]
    assert ids == ["preamble", "overview", "proactive", "requests", "review_litigation", "problems", "other_matters"]
    assert doc.parts[1].heading == "一、总体情况"
    assert doc.parts[1].text().startswith("2023年，我局主动公开信息120条")
    m = meta.extract(doc)
    assert m.title == "某某县应急管理局2023年政府信息公开工作年度报告"
    assert m.agency == "某某县应急管理局" and m.year == 2023
    assert m.report_date == "2024-01-20"
    assert m.template == "2021"


def test_legacy_chapters_and_problems_as_two_chapters():
    doc = _doc("某某市人民政府2012年政府信息公开工作年度报告",
               "一、概述", "2012年共公开信息。",
               "二、主动公开政府信息情况", "全年主动公开信息35条。",
               "三、依申请公开政府信息情况", "未收到申请。",
               "四、政府信息公开的收费及减免情况", "未收费。",
               "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "无。",
               "六、存在的主要问题", "一是公开内容不够全面。",
               "七、改进措施", "一是加强培训。",
               "二〇一三年三月二十八日")
    ids = [p.id for p in doc.parts]
    assert ids == ["preamble", "overview", "proactive", "requests", "other_matters", "review_litigation",
                   "problems", "problems"]
    m = meta.extract(doc)
    assert m.template == "legacy" and m.report_date == "2013-03-28" and m.year == 2012


def test_numbering_must_increase_so_body_lines_do_not_start_chapters():
    doc = _doc("某某镇人民政府2022年政府信息公开工作年度报告",
               "一、总体情况", "正文。",
               "二、主动公开政府信息情况",
               "三、收到和处理政府信息公开申请情况",
               "一、总体情况要求我们继续努力。",
               "四、政府信息公开行政复议、行政诉讼情况")
    assert [p.id for p in doc.parts].count("overview") == 1


def test_year_first_title_and_signature_fallback():
    doc = _doc("2021年度某某区司法局政府信息公开工作年度报告", "一、总体情况", "内容。",
               "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
               "发布机构：某某区司法局", "发布日期：2022年1月5日")
    m = meta.extract(doc)
    assert m.year == 2021 and m.agency == "某某区司法局" and m.report_date == "2022-01-05"


def test_titles_in_chinese_numerals_ending_in_nianbao_or_with_a_bracketed_agency_part():
    for title, agency, year in (("某某县民政局二〇二三年政府信息公开工作年度报告", "某某县民政局", 2023),
                                ("某某县民政局2023年政府信息公开年报", "某某县民政局", 2023),
                                ("某某市人民政府办公室（市政务公开办）2022年政府信息公开工作年度报告",
                                 "某某市人民政府办公室（市政务公开办）", 2022)):
        doc = _doc(title, "本报告根据《条例》编制。", "一、总体情况", "内容。", "二、主动公开政府信息情况")
        assert meta.find_title(doc) == (title, agency, year)


def test_not_a_report():
    doc = _doc("图文解读：某某县2023年政府信息公开工作年度报告", "一图读懂年报要点。")
    verdict = screen.screen(doc, {}, meta.extract(doc))
    assert verdict.reason and "解读" in verdict.reason


def test_chinese_numerals():
    assert dates.cn_to_int("二〇二五") == 2025 and dates.cn_to_int("二十七") == 27 and dates.cn_to_int("十") == 10
    assert dates.parse_date("二〇二六年一月二十七日") == "2026-01-27"
    assert dates.parse_date("2026年13月40日") is None


def test_glued_headings_keep_the_first_sentence_whole():
    cases = {
        "一、总体情况2023年，我局主动公开信息。": ("一、总体情况", "2023年，我局主动公开信息。"),
        "一、总体情况本年度，我局主动公开信息。": ("一、总体情况", "本年度，我局主动公开信息。"),
        "五、存在的主要问题及改进情况。一是更新不及时。": ("五、存在的主要问题及改进情况", "一是更新不及时。"),
        "二、主动公开政府信息情况 本年度未制发规章。": ("二、主动公开政府信息情况", "本年度未制发规章。"),
    }
    for text, (heading, rest) in cases.items():
        h = sections.match_heading(text)
        assert (h.printed, h.rest) == (heading, rest), text


def test_problem_chapter_spellings():
    for heading in ("五、问题与不足", "五、存在的差距和不足", "五、不足与改进", "五、整改措施",
                    "五、工作中存在的问题和下一步打算", "五、存在问题及整改措施"):
        doc = _doc("某某县民政局2023年政府信息公开工作年度报告", heading, "栏目更新不及时。")
        assert [p.id for p in doc.parts] == ["preamble", "problems"], heading


def test_a_site_name_or_breadcrumb_above_the_title_is_not_part_of_the_agency():
    for above, title, agency in (
            ("青禾县人民政府门户网站", "青禾县市场监督管理局2023年政府信息公开工作年度报告", "青禾县市场监督管理局"),
            ("首页 政务公开", "青禾县市场监督管理局2023年政府信息公开工作年度报告", "青禾县市场监督管理局"),
            ("青禾县", "市场监督管理局2023年政府信息公开工作年度报告", "青禾县市场监督管理局"),  # a wrapped title
            ("某某省", "某某市人民政府办公室2023年政府信息公开工作年度报告", "某某省某某市人民政府办公室")):
        found = meta.find_title(_doc(above, title, "本报告根据《条例》编制。", "一、总体情况", "内容。"))
        assert found[1] == agency and found[0].endswith(title[-20:]), (above, found)


def test_title_forms_seen_on_portals():
    cases = (  # (lines, title, agency, year)
        (["某某镇2009年政府信息公开工作年报", "一、政府信息主动公开情况"], "某某镇2009年政府信息公开工作年报", "某某镇", 2009),
        (["某某区国资局", "根据《条例》相关要求,现公布区政府国资局2022年政府信息公开工作年度报告。"],
         "区政府国资局2022年政府信息公开工作年度报告", "区政府国资局", 2022),
    )
    for lines, title, agency, year in cases:
        m = meta.extract(_doc(*lines, "一、总体情况", "内容。"))
        assert (m.title, m.agency, m.year) == (title, agency, year)


def test_the_year_comes_from_the_statistics_period_when_no_title_names_it():
    doc = _doc("根据《条例》规定编制本报告。报告数据统计期限为2025年1月1日至2025年12月31日。",
               "一、总体情况", "内容。", "二、主动公开政府信息情况")
    assert meta.extract(doc).year == 2025


def test_free_form_legacy_chapters_map_to_sections_and_the_template_comes_from_the_year():
    doc = _doc("某某县地方税务局2013年信息公开年度报告", "时间：2014-02-25",
               "一、概述", "2013年，我局主动公开信息45条，占全部信息的73%。",
               "二、重点领域政府信息公开情况", "1.推进财政预决算信息公开。公开信息9条。",
               "三、主动公开政府信息情况", "（一）主动公开政府信息的数量", "全年主动公开信息45条。",
               "四、依申请公开、不予公开及咨询政府信息情况", "（一）申请情况", "未收到申请。",
               "五、审批事项及处理情况", "受理审批事项117件。",
               "六、复议诉讼", "无。",
               "七、工作人员及信息公开事务支出情况", "兼职人员1人。",
               "八、政府信息公开工作存在的主要问题及改进情况", "一是公开内容不够全面。",
               "九、今后工作打算", "一是加强培训。",
               "十、政府信息公开情况统计表")
    assert [p.id for p in doc.parts] == ["preamble", "overview", "proactive", "proactive", "requests",
                                         "other_matters", "review_litigation", "other_matters", "problems",
                                         "problems", "other_matters"]
    m = meta.extract(doc)
    assert m.template == "legacy" and m.report_date is None  # 时间： is the page's date, not a 落款
    assert meta.extract(doc, template="2019").template == "2019"  # the tables' form wins


def test_the_signature_and_an_appendix_after_it_leave_the_last_section():
    doc = _doc("某某县人民政府2011年政府信息公开工作年度报告", "一、概述", "内容。",
               "二、主动公开政府信息情况", "内容。", "三、政府信息依申请公开工作情况", "内容。",
               "四、政府信息公开工作存在的主要问题及改进情况", "一是宣传力度还不够。",
               "某某县人民政府", "二○一二年二月二十日", "附件1：某某县人民政府2011年政府信息公开情况统计表")
    assert doc.parts[-1].text() == "一是宣传力度还不够。"
    assert doc.closing_lines()[0] == "某某县人民政府"
    m = meta.extract(doc)
    assert m.report_date == "2012-02-20" and m.template == "legacy"


def test_signature_dates_with_labels_and_notes_but_not_page_dates():
    assert dates.date_line("二〇二二年三月四日（此件公开发布）") == "2022-03-04"
    assert dates.date_line("编制日期：2022年2月7日") == "2022-02-07"
    assert dates.date_line("2019年2月1日发布") == "2019-02-01"
    assert dates.signed_date("某某局 2024年1月20日") == ("某某局", "2024-01-20")
    for page_date in ("发布日期：2020-01-31", "时间：2013-02-25", "截至2013年1月20日", "2013年1月20日，我局召开会议。"):
        assert dates.date_line(page_date) is None, page_date
    assert dates.date_line("发布日期：2022年1月5日", after_publisher=True) == "2022-01-05"


def test_a_year_without_tables_gives_the_template_of_that_year():
    for year, template in ((2012, "legacy"), (2018, "legacy"), (2019, "2019"), (2022, "2021")):
        doc = _doc(f"某某镇人民政府{year}年政府信息公开工作年度报告", "一、总体情况", "内容。",
                   "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                   "四、存在的主要问题及改进情况", "一是不足。")
        assert meta.extract(doc).template == template, year


def test_every_chapter_heading_the_generator_prints_is_read_whole():
    from ingest.corpus.legacy_chapters import config
    from ingest.corpus.phrases import bank

    spellings = [h for heads in config()["headings"].values() for h in heads]
    spellings += [h for form in bank()["headings"].values() for heads in form.values() for h in heads]
    for phrase in spellings:
        printed = "三、" + phrase.replace("{year}", "2015")
        heading = sections.match_heading(printed)
        assert heading is not None and heading.printed == printed, printed


def test_chapter_spellings_seen_on_portals():
    cases = {"一、工作总体推进情况": "overview", "七、其它相关工作情况": "other_matters",
             "四、依申请公开政府信息收费及减免情况": "other_matters", "六、其它需要报告的事项": "other_matters",
             "三、依申请公开政府信息和不予公开政府信息情况": "requests"}
    for heading, sid in cases.items():
        assert sections.match_heading(heading).section_id == sid, heading


def test_a_zero_typed_among_chinese_numerals_is_still_a_date():
    from ingest.dates import parse_date

    assert parse_date("二0一七年一月十日") == "2017-01-10"
    assert parse_date("二〇一七年十月二十日") == "2017-10-20"
