"""Statements: segmentation of every enumeration style, and typing through the shipped model."""
from __future__ import annotations

import pytest

from ingest.record import Section
from ingest.statements import extract_statements
from ingest.statements.segment import segment_section, sub_heading_kind


def problems(text: str, heading: str = "五、存在的主要问题及改进情况") -> Section:
    return Section(id="problems", heading=heading, text=text)


def texts(text: str, heading: str = "五、存在的主要问题及改进情况") -> list[str]:
    return [c.text for c in segment_section(problems(text, heading))]


def typed(text: str, heading: str = "五、存在的主要问题及改进情况") -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in extract_statements([problems(text, heading)])]


def test_yishi_items_after_a_label_lose_marker_and_label():
    got = texts("存在的问题：一是栏目更新偏慢；二是经办人员均为兼职。三是公开载体较少。")
    assert got == ["栏目更新偏慢", "经办人员均为兼职", "公开载体较少"]


def test_colon_run_separated_by_semicolons():
    got = texts("一年来，我所公开工作有所进步，主要表现在：政策文件上网不及时；解读材料偏少；咨询答复较慢。")
    assert got == ["政策文件上网不及时", "解读材料偏少", "咨询答复较慢"]


def test_numbered_items_after_a_lead_in():
    got = texts("下一步，我所将重点做好以下工作：1、健全审核制度；2.加强人员培训；3．完善网站栏目。")
    assert got == ["健全审核制度", "加强人员培训", "完善网站栏目"]


def test_sub_headings_are_not_statements_and_set_the_type():
    text = ("（一）存在的主要问题\n（一）专栏内容更新缓慢。\n（二）答复文书格式不统一。\n"
            "（二）改进措施\n（一）每月检查专栏。\n（二）统一答复文书样式。")
    cands = segment_section(problems(text))
    assert [c.text for c in cands] == ["专栏内容更新缓慢", "答复文书格式不统一", "每月检查专栏", "统一答复文书样式"]
    assert [c.context for c in cands] == ["problem", "problem", "improvement", "improvement"]
    assert sub_heading_kind("（二）改进措施") == "improvement"
    assert sub_heading_kind("（一）专栏内容更新缓慢。") is None


def test_shouxian_qici_markers():
    got = texts("主要问题：首先，公开栏信息陈旧。其次，查阅点利用率低。")
    assert got == ["公开栏信息陈旧", "查阅点利用率低"]


def test_free_sentences_one_statement_each_with_framing_other():
    got = typed("对照要求，我站工作还存在以下问题。网站栏目长期没有更新。下一步，我站将重点做好以下工作。"
                "安排专人每周维护网站栏目。")
    assert got[0][0] == "other" and got[2][0] == "other"
    assert got[1] == ("problem", "网站栏目长期没有更新")
    assert got[3] == ("improvement", "安排专人每周维护网站栏目")


def test_framing_before_items_on_the_same_line_is_its_own_statement():
    got = typed("改进情况：针对上年存在的问题，本年我局将加大公开力度。一是完善公开目录。二是加强保密审查。")
    assert [t for t, _ in got] == ["other", "improvement", "improvement"]
    assert got[1][1] == "完善公开目录"


def test_two_chapters_take_their_type_from_the_heading():
    secs = [problems("一是公开栏内容过时。二是信息员不熟悉业务。", "六、存在的问题"),
            problems("一是定期更换公开栏内容。二是组织信息员培训。", "七、改进措施")]
    got = [(s.type, s.text) for s in extract_statements(secs)]
    assert [t for t, _ in got] == ["problem", "problem", "improvement", "improvement"]


def test_problem_then_fix_in_one_item_is_two_statements():
    got = typed("一是部分政策文件发布后没有配发解读材料，群众理解不到位。下一步我局将坚持文件与解读同步发布。")
    assert [t for t, _ in got] == ["problem", "improvement"]


def test_a_fix_without_a_cue_word_still_splits_from_its_problem():
    got = typed("1.个别科室对政府信息公开工作重视程度不够，主动公开意识有待增强。建立问题整改跟踪机制，确保问题整改到位。")
    assert got == [("problem", "个别科室对政府信息公开工作重视程度不够，主动公开意识有待增强"),
                   ("improvement", "建立问题整改跟踪机制，确保问题整改到位")]


def test_a_lead_in_closing_the_last_item_turns_the_next_items_into_fixes():
    got = typed("工作中存在的问题：1、部分事项只公开结果；2、公开渠道较为单一。针对上述问题，我乡将采取以下措施。\n"
                "（一）提高思想认识，把政府信息公开纳入重要议事日程。\n（二）用通俗易懂的语言解读政策。")
    assert [t for t, _ in got] == ["problem", "problem", "other", "improvement", "improvement"]
    assert got[2][1] == "针对上述问题，我乡将采取以下措施"


def test_a_lead_in_speaks_for_the_paragraph_of_items_after_it_not_the_next_one():
    got = typed("本局政府信息公开工作还存在以下问题。公开信息格式不够规范。网站信息安全防护能力有待加强。\n"
                "进一步充实公开内容，重点加大办事服务类信息的公开力度。全面清理规范性文件，及时标注有效性并集中公开。")
    assert [t for t, _ in got] == ["other", "problem", "problem", "improvement", "improvement"]


def test_one_item_after_a_framing_colon_lead_in_loses_the_lead_in():
    got = typed("对照上级要求，我镇政府信息公开工作还存在以下问题：财政预决算信息公开的细化程度不够。"
                "及时回应社会关切，对网民留言做到限时答复。")
    assert got == [("problem", "财政预决算信息公开的细化程度不够"), ("improvement", "及时回应社会关切，对网民留言做到限时答复")]


def test_a_fix_and_a_problem_joined_by_a_semicolon_are_two_statements():
    got = typed("加强政务新媒体日常管理，提高更新频次；对政务公开工作的日常督查偏少，只在年底考核时集中检查。")
    assert got == [("improvement", "加强政务新媒体日常管理，提高更新频次"),
                   ("problem", "对政务公开工作的日常督查偏少，只在年底考核时集中检查")]
    listed = typed("存在的问题：一是栏目更新偏慢；二是经办人员均为兼职。")  # a ；-list stays one per item
    assert [t for t, _ in listed] == ["problem", "problem"]


def test_wording_tips_a_close_call_of_the_model():
    from ingest.statements.classify import type_rules, with_wording

    rules = type_rules()
    close = {"problem": 0.44, "improvement": 0.48, "other": 0.08}
    judged = with_wording("政务公开专职力量薄弱，信息员对《条例》学习不深入", close, rules)
    assert max(judged, key=judged.get) == "problem"
    planned = with_wording("（三）建立问题整改跟踪机制，确保问题整改到位", {"problem": 0.5, "improvement": 0.4}, rules)
    assert max(planned, key=planned.get) == "improvement"
    assert with_wording("本年度共受理申请12件", close, rules) == close


@pytest.mark.parametrize("text,kind", [
    ("信息发布不够及时，部分栏目更新滞后", "problem"),
    ("工作人员业务水平有待进一步提高", "problem"),
    ("部分栏目长期没有更新，信息发布滞后", "problem"),
    ("加强业务培训，提升工作人员能力", "improvement"),
    ("下一步将完善信息发布审核制度", "improvement"),
    ("进一步拓宽公开渠道，用好政务新媒体", "improvement"),
])
def test_shipped_model_types_clear_examples(text, kind):
    from ingest.statements import nlp

    scores = nlp.type_scores([text])[0]
    assert max(scores, key=scores.get) == kind


def test_other_sections_only_from_a_label_on():
    secs = [Section(id="overview", heading="一、总体情况", text="本年度主动公开信息120条。"),
            Section(id="other_matters", heading="六、其他需要报告的事项",
                    text="本年度未收取信息处理费。\n存在问题：查阅场所利用率不高。")]
    got = extract_statements(secs)
    assert [(s.section, s.type, s.text) for s in got] == [("other_matters", "problem", "查阅场所利用率不高")]


def test_statements_carry_themes():
    got = extract_statements([problems("存在的问题：一是政策解读形式单一；二是网站栏目更新不及时。")])
    assert "policy_interpretation" in got[0].themes
    assert "timeliness_update" in got[1].themes


def test_empty_sections_give_no_statements():
    assert extract_statements([]) == []
    assert extract_statements([problems("")]) == []


def test_lines_wrapped_mid_sentence_are_rejoined():
    got = texts("对照要求，我站还存在以下问\n题：网站栏目更新慢；信息员业务不\n熟。\n（二）改进措施\n1.每周更新栏目。")
    assert got == ["网站栏目更新慢", "信息员业务不熟", "每周更新栏目"]


@pytest.mark.parametrize("text", [
    "主要有两方面问题，一是栏目更新慢，二是人员不足。",
    "存在问题：其一，栏目更新慢；其二，人员不足。",
    "存在问题：第一，栏目更新慢；第二，人员不足。",
    "存在问题：（1）栏目更新慢；（2）人员不足。",
    "存在问题：①栏目更新慢；②人员不足。",
])
def test_other_marker_families(text):
    assert texts(text) == ["栏目更新慢", "人员不足"]


def test_numbers_inside_text_are_not_markers():
    assert texts("全年发布信息1.5万条，其中2、3月份较少。") == ["全年发布信息1.5万条，其中2、3月份较少"]


def test_signature_date_and_page_number_are_not_statements():
    got = texts("一是栏目更新慢。二是人员不足。\n- 3 -\n青禾县市场监督管理局\n2025年1月20日")
    assert got == ["栏目更新慢", "人员不足"]


def _tiny_training_file(path):
    import json

    rows = [("栏目更新不及时", "problem", ["timeliness_update"]), ("人员力量薄弱", "problem", ["staff_capacity"]),
            ("解读形式单一", "problem", ["policy_interpretation"]), ("加强业务培训", "improvement", ["staff_capacity"]),
            ("及时更新栏目", "improvement", ["timeliness_update"]), ("丰富解读形式", "improvement", ["policy_interpretation"]),
            ("现将有关情况报告如下", "other", []), ("本年度未收取费用", "other", [])]
    path.write_text("".join(json.dumps({"text": t, "label": lab, "themes": th}, ensure_ascii=False) + "\n"
                            for t, lab, th in rows * 2), encoding="utf-8")
    return path


@pytest.mark.slow
def test_training_is_seeded_and_the_model_loads_offline(tmp_path):
    import spacy

    from ingest import train
    from ingest.statements import nlp

    data = _tiny_training_file(tmp_path / "tiny.jsonl")
    train.train_models([data], tmp_path / "a", seed=7)
    train.train_models([data], tmp_path / "b", seed=7)
    model_a = spacy.load(tmp_path / "a" / nlp.TYPE_MODEL)
    model_b = spacy.load(tmp_path / "b" / nlp.TYPE_MODEL)
    text = "栏目更新不及时"
    assert model_a(text).cats == model_b(text).cats
    from ingest import themes

    from ingest.theme_model import ThemeModel

    assert set(ThemeModel.load(tmp_path / "a" / nlp.THEMES_MODEL).scores([text])[0]) == set(themes.theme_ids())
    assert model_a.config["nlp"]["tokenizer"]["segmenter"] == "jieba"


def test_bad_training_line_is_a_clear_error(tmp_path):
    from ingest import train
    from ingest.errors import InvalidInput

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="bad.jsonl:1"):
        train.read_examples([bad])


def test_an_item_of_a_heading_and_its_explanation_after_a_fix_lead_in_is_one_fix():
    got = typed("本局工作还存在一些不足和薄弱环节。一是专栏更新较慢；二是兼职人员变动频繁。2025年，我局将采取以下措施加以改进：\n"
                "（一）继续加强督导协调工作。继续加强对各科室公开工作的统筹督导。组织开展经验交流。\n"
                "（二）进一步深化公开内容。按照要求梳理公开事项，凡涉及群众切身利益的信息都要主动公开。")
    assert [t for t, _ in got] == ["other", "problem", "problem", "other", "improvement", "improvement"]
    assert got[4][1] == "继续加强督导协调工作。继续加强对各科室公开工作的统筹督导。组织开展经验交流"


def test_an_item_under_a_fix_label_is_never_split_into_a_problem():
    got = typed("（一）主要问题\n一是政策解读形式单一；二是公开专栏建设有待加强。\n（二）改进措施\n"
                "一是深化公众参与。制订出台重大事项公众参与具体措施，继续开展多种形式的意见征集活动。")
    assert got == [("problem", "政策解读形式单一"), ("problem", "公开专栏建设有待加强"),
                   ("improvement", "深化公众参与。制订出台重大事项公众参与具体措施，继续开展多种形式的意见征集活动")]


@pytest.mark.parametrize("date", ["2025年1月20日", "二〇二五年一月二十日", "二○二五年二月八日"])
def test_nothing_after_the_signature_date_is_a_statement(date):
    got = texts(f"一是栏目更新慢。二是人员不足。\n{date}\n附件：政府信息公开情况统计表\n扫一扫在手机上查看当前页面\n"
                "友情链接\n相关新闻网站导航")
    assert got == ["栏目更新慢", "人员不足"]


def test_lines_without_punctuation_are_not_joined_into_a_statement():
    got = texts("（二）改进措施\n一是每周更新公开专栏。\n七、本机关政府信息公开情况统计表\n附件下载\n"
                "扫一扫在手机上查看当前页面\n友情链接\n省人民政府网\n市人民政府网")
    assert got == ["每周更新公开专栏"]


def test_fixes_joined_by_semicolons_in_one_sentence_without_a_colon_are_one_statement_each():
    got = typed("下一步，我局将进一步充实公开内容；加强业务培训，提升工作人员业务水平；完善考核督查机制。")
    assert got == [("improvement", "下一步，我局将进一步充实公开内容"), ("improvement", "加强业务培训，提升工作人员业务水平"),
                   ("improvement", "完善考核督查机制")]


def test_a_list_inside_ru_deng_is_one_problem_after_a_framing_sentence():
    got = typed("本年度，我局政府信息公开工作取得一定成效，但对照上级要求，仍存在一定差距。"
                "如栏目更新不够及时、解读形式较为单一、信息员业务能力有待提升等。")
    assert got[1] == ("problem", "如栏目更新不够及时、解读形式较为单一、信息员业务能力有待提升等")
    assert len(got) == 2 and got[0][0] == "other"


def test_a_clause_opening_with_who_will_act_when_is_a_fix():
    got = typed("对照上级要求，我局工作还存在以下问题：一是考核督促机制落实不到位；二是日常督查偏少。\n"
                "2025年，我局将争取必要的经费和设备保障，夯实工作基础；下一步，我局将建立问题整改跟踪机制，确保问题整改到位。")
    assert [t for t, _ in got] == ["problem", "problem", "improvement", "improvement"]
    assert got[2][1] == "2025年，我局将争取必要的经费和设备保障，夯实工作基础"


def test_a_sub_heading_with_a_tail_after_its_label_is_still_a_label():
    assert sub_heading_kind("（一）存在的问题及原因") == "problem"
    got = typed("（一）存在的问题及原因\n受机构改革影响，信息员变动频繁，业务衔接不畅。\n（二）下一步工作\n加强信息员培训，保持队伍稳定。")
    assert got == [("problem", "受机构改革影响，信息员变动频繁，业务衔接不畅"), ("improvement", "加强信息员培训，保持队伍稳定")]


def test_a_problem_item_of_a_heading_and_its_explanation_stays_one_problem():
    got = typed("总的看，我局工作仍存在一些短板和薄弱环节，一是政务公开专职力量薄弱。信息员对《条例》学习不深入。"
                "二是考核督促机制落实不到位。责任未能层层压实。")
    assert got == [("problem", "政务公开专职力量薄弱。信息员对《条例》学习不深入"),
                   ("problem", "考核督促机制落实不到位。责任未能层层压实")]
    paired = typed("存在的问题：（一）网站栏目设置不够合理，部分信息查找不便。优化网站栏目设置，完善检索功能，方便群众查询。")
    assert [t for t, _ in paired] == ["problem", "improvement"]  # a problem item may carry its fix


@pytest.mark.parametrize("text", [
    "存在问题：1）栏目更新慢；2）人员不足。",
    "存在问题：\n●栏目更新慢。\n●人员不足。",
    "存在问题：一方面，栏目更新慢；另一方面，人员不足。",
])
def test_bullets_and_closing_parenthesis_numbers_are_markers(text):
    assert texts(text) == ["栏目更新慢", "人员不足"]


def test_a_label_closing_an_item_or_opening_a_line_with_a_full_stop_is_a_label():
    got = typed("存在的问题和不足：一是公开的主动性不强；二是公开的时效性不够。整改措施：一是强化责任意识；二是严格发布时限。")
    assert got == [("problem", "公开的主动性不强"), ("problem", "公开的时效性不够"),
                   ("improvement", "强化责任意识"), ("improvement", "严格发布时限")]
    got = typed("（一）存在的主要问题。部分政策解读流于形式，解读质量不高。\n（二）改进措施。组织开展解读质量评估，提升解读水平。")
    assert got == [("problem", "部分政策解读流于形式，解读质量不高"), ("improvement", "组织开展解读质量评估，提升解读水平")]


def test_a_short_marked_heading_is_not_glued_to_the_item_under_it():
    got = texts("（一）深化公开内容。按要求梳理公开事项。\n（二）进一步规范公开行为\n加强业务培训，确保公开准确及时。\n"
                "对照要求，我站还存在以下问\n题：网站栏目更新慢。")
    assert got == ["深化公开内容。按要求梳理公开事项", "进一步规范公开行为", "加强业务培训，确保公开准确及时", "网站栏目更新慢"]


def test_a_closing_line_is_framing_and_slowness_is_a_problem():
    got = typed("一是栏目更新慢。二是查阅点利用率低。\n以上为本年度报告内容。")
    assert got == [("problem", "栏目更新慢"), ("problem", "查阅点利用率低"), ("other", "以上为本年度报告内容")]
