"""Tables stage: printed grids -> canonical keys by label, never by position."""
from ingest import tables
from ingest.layout import Cell, Table
from ingest.readers.text import blocks_from_lines

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _requests_rows(values: dict[str, list[str]]) -> list[list[str]]:
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"],
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    for label, cells in values.items():
        parts = label.split("|") + [""] * (3 - len(label.split("|")))
        rows.append(parts + cells)
    return rows


def _text_table(rows: list[list[str]]) -> Table:
    (block,) = blocks_from_lines(["\t".join(r) for r in rows])
    return block.table


def test_requests_from_plain_text_rows_map_by_label():
    t = _text_table(_requests_rows({
        "一、本年新收政府信息公开申请数量": ["5", "1", "0", "0", "0", "2", "8"],
        "二、上年结转政府信息公开申请数量": ["1", "0", "0", "0", "0", "0", "1"],
        "三、本年度办理结果|（一）予以公开": ["3", "1", "0", "0", "0", "1", "5"],
        "|（三）不予公开|1.属于国家秘密": ["1", "", "", "", "", "", "1"],
        "|（六）其他处理|3.其他": ["—", "/", "无", "0", "-", "1", "1"],
        "|（七）总计": ["4", "1", "0", "0", "0", "2", "7"],
        "四、结转下年度继续办理": ["2", "0", "0", "0", "0", "0", "2"],
    }))
    found = tables.extract([("requests", t)])
    assert found.requests["new_received"] == dict(zip(
        ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"],
        [5, 1, 0, 0, 0, 2, 8]))
    assert found.requests["denied.state_secret"]["natural_person"] == 1
    assert found.requests["denied.state_secret"]["commercial"] == 0
    assert found.requests["other_handling.other"] == {
        "natural_person": 0, "commercial": 0, "research": 0, "social_welfare": 0,
        "legal_service": 0, "other_org": 1, "total": 1}
    assert found.requests["carried_forward"]["total"] == 2
    assert found.template == "2021"
    assert found.cell_text["requests"]["other_handling.other"]["natural_person"] == "—"


def test_columns_follow_header_labels_not_print_order():
    rows = [["项目", "总计", "其他", "法律服务机构", "社会公益组织", "科研机构", "商业企业", "自然人"],
            ["一、本年新收政府信息公开申请数量", "7", "6", "5", "4", "3", "2", "1"]]
    found = tables.extract([("requests", Table.from_rows(rows))])
    assert found.requests["new_received"]["natural_person"] == 1
    assert found.requests["new_received"]["total"] == 7
    assert found.requests["new_received"]["other_org"] == 6


def test_merged_cells_and_a_table_continued_on_the_next_page():
    head = Table([
        Cell(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
        Cell(0, 3, "申请人情况", colspan=7),
        Cell(1, 3, "自然人", rowspan=2), Cell(1, 4, "法人或其他组织", colspan=5), Cell(1, 9, "总计", rowspan=2),
        *[Cell(2, 4 + i, name) for i, name in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])],
        Cell(3, 0, "三、本年度办理结果", rowspan=2),
        Cell(3, 1, "（三）不予公开", rowspan=2),
        Cell(3, 2, "1.属于国家\n秘密"), *[Cell(3, 3 + i, str(i)) for i in range(7)],
        Cell(4, 2, "2.其他法律行政法规禁止公开"), *[Cell(4, 3 + i, "1") for i in range(7)],
    ])
    continued = Table.from_rows([["", "", "3.危及“三安全一稳定”", "0", "0", "0", "0", "0", "0", "9"]])
    found = tables.extract([("requests", head), ("requests", continued)])
    assert found.requests["denied.state_secret"]["total"] == 6
    assert found.requests["denied.prohibited_by_law"]["legal_service"] == 1
    assert found.requests["denied.safety_stability"]["total"] == 9


def test_2019_template_is_decided_by_the_table_form():
    rows = [["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
            ["规章", "1", "2", "3"],
            ["规范性文件", "4", "5", "6"],
            ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            ["行政许可", "10", "-2", "30"],
            ["信息内容", "采购项目数量", "采购总金额"],
            ["政府集中采购", "3", "251000元"]]
    found = tables.extract([("proactive", Table.from_rows(rows))])
    assert found.proactive["rules"] == {"new_made": 1, "new_published": 2, "total_published": 3}
    assert found.proactive["licensing"] == {"prev_year": 10, "change": -2, "decisions": 30}
    assert found.proactive["procurement"] == {"items": 3, "amount": 25.1}
    assert found.template == "2019"


def test_2021_proactive_printed_as_four_tables_with_a_misspelt_header():
    parts = [[["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年度止件数", "现行有效件数"],
              ["规章", "0", "1", "2"], ["行政规范性文件", "3", "4", "5"]],
             [["信息内容", "本年处理决定数量"], ["行政许可", "12"]],
             [["行政处罚", "7"], ["行政强制", ""]],
             [["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "1.50"]]]
    found = tables.extract([("proactive", Table.from_rows(p)) for p in parts])
    assert found.proactive["rules"] == {"made": 0, "repealed": 1, "in_force": 2}
    assert found.proactive["normative_documents"]["in_force"] == 5
    assert found.proactive["punishment"] == {"decisions": 7}
    assert found.proactive["coercion"] == {"decisions": 0}
    assert found.proactive["fees"] == {"amount": 1.5}
    assert found.template == "2021"


def test_review_table_standard_and_transposed():
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    standard = Table([
        Cell(0, 0, "行政复议", colspan=5), Cell(0, 5, "行政诉讼", colspan=10),
        Cell(1, 0, leaves[0], rowspan=2), *[Cell(1, i, leaves[i], rowspan=2) for i in range(1, 5)],
        Cell(1, 5, "未经复议直接起诉", colspan=5), Cell(1, 10, "复议后起诉", colspan=5),
        *[Cell(2, 5 + i, leaves[i % 5]) for i in range(10)],
        *[Cell(3, i, str(i)) for i in range(15)],
    ])
    found = tables.extract([("review_litigation", standard)])
    assert found.review_litigation["review"]["upheld"] == 0
    assert found.review_litigation["litigation_direct"]["corrected"] == 6
    assert found.review_litigation["litigation_after_review"]["total"] == 14
    transposed = Table.from_rows([["", *leaves], ["行政复议", "1", "2", "3", "4", "10"],
                                  ["未经复议直接起诉", "0", "0", "1", "0", "1"],
                                  ["复议后起诉", "2", "0", "0", "0", "2"]])
    found = tables.extract([("review_litigation", transposed)])
    assert found.review_litigation["review"] == {"upheld": 1, "corrected": 2, "other": 3, "pending": 4, "total": 10}
    assert found.review_litigation["litigation_after_review"]["upheld"] == 2


def test_values_and_blanks():
    assert tables.parse_value("1,234") == 1234
    assert tables.parse_value("—") == 0 and tables.parse_value("／") == 0 and tables.parse_value("无") == 0
    assert tables.parse_value("_") == 0 and tables.parse_value("＿") == 0  # an underscore for none
    assert tables.parse_value("251000元", money=True) == 25.1
    assert tables.parse_value("3.20万元", money=True) == 3.2
    assert tables.parse_value("属于国家秘密") is None


def test_a_report_without_tables_gets_none():
    found = tables.extract([])
    assert found.proactive is None and found.requests is None and found.review_litigation is None


def test_a_table_printed_all_blank_is_all_zero_and_headers_are_not_rows():
    rows = _requests_rows({"一、本年新收政府信息公开申请数量": [""] * 7,
                           "三、本年度办理结果|（六）其他处理|3.其他": [""] * 7})
    found = tables.extract([("requests", _text_table(rows))])
    assert found.requests["new_received"] == {k: 0 for k in
                                              ("natural_person", "commercial", "research", "social_welfare",
                                               "legal_service", "other_org", "total")}
    assert set(found.requests) == {"new_received", "other_handling.other"}
    blank_review = Table.from_rows([["行政复议", "", "", "", "", "行政诉讼"],
                                    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持"],
                                    [""] * 15])
    found = tables.extract([("review_litigation", blank_review)])
    assert found.review_litigation["litigation_after_review"]["total"] == 0


def test_a_2019_row_continued_on_the_next_page_keeps_the_2019_columns():
    first = Table.from_rows([["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
                             ["行政许可", "10", "2", "30"]])
    continued = Table.from_rows([["行政事业性收费", "4", "0"]])
    found = tables.extract([("proactive", first), ("proactive", continued)])
    assert found.proactive["fees"] == {"prev_year": 4, "change": 0}


def test_a_misspelt_row_label_maps_by_its_closest_standard_wording():
    t = _text_table(_requests_rows({
        "一、本年新收政府信息公开申请数量": ["3", "0", "0", "0", "0", "0", "3"],
        "三、本年度办理结果|（三）不予公开|2.其他法律行政止公开": ["2", "0", "0", "0", "0", "0", "2"],
        "|（四）无法提供|1.本机关不掌握相关政府信": ["1", "0", "0", "0", "0", "0", "1"],
    }))
    found = tables.extract([("requests", t)])
    assert found.requests["denied.prohibited_by_law"]["natural_person"] == 2
    assert found.requests["unable.not_held"]["total"] == 1
    similar = {m.key: m for m in found.poor_matches()}
    assert "其他法律行政止公开" in similar["denied.prohibited_by_law"].label
    assert 0.78 <= similar["denied.prohibited_by_law"].score < 1


def test_a_single_other_handling_row_in_a_2021_form_report_keeps_template_2021():
    requests = _text_table(_requests_rows({
        "一、本年新收政府信息公开申请数量": ["3", "0", "0", "0", "0", "0", "3"],
        "三、本年度办理结果|（六）其他处理": ["1", "0", "0", "0", "0", "0", "1"],
    }))
    proactive = _text_table([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                             ["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "9"]])
    found = tables.extract([("proactive", proactive), ("requests", requests)])
    assert found.requests["other_handling"]["natural_person"] == 1
    assert found.template == "2021"
    alone = tables.extract([("requests", requests)])
    assert alone.template == "2019"  # without a proactive table, the single row is the 2019 form's
