"""The product-side scorer: each metric on small hand-made records."""
from __future__ import annotations

import copy

import pytest

from ingest.evaluate import prf, score_records, statement_key, worst_fields

GOLD = {
    "meta": {"title": "甲县民政局2024年政府信息公开工作年度报告", "agency": "甲县民政局", "year": 2024,
             "report_date": "2025-01-20", "template": "2021"},
    "sections": [{"id": "overview", "heading": "一、总体情况", "text": "全年公开信息20条。依申请公开渠道畅通。"},
                 {"id": "problems", "heading": "五、存在的主要问题及改进情况", "text": "一是更新不及时。二是加强培训。"}],
    "tables": {"requests": {"new_received": {"natural_person": 2, "total": 2}}, "proactive": None},
    "statements": [
        {"section": "problems", "type": "other", "text": "针对上年问题现报告如下", "themes": []},
        {"section": "problems", "type": "problem", "text": "部分栏目信息更新不够及时", "themes": ["timeliness_update"]},
        {"section": "problems", "type": "improvement", "text": "加强业务培训，提升工作人员能力",
         "themes": ["staff_capacity", "institutional_mechanism"]},
    ],
    "checks": [{"rule": "requests_balance", "ok": False, "detail": "total"}],
}


def test_identical_records_score_one():
    s = score_records([GOLD], [copy.deepcopy(GOLD)])
    assert all(s[k] == 1.0 for k in ("agency", "year", "title", "section_sentences", "table_cells", "checks"))
    assert s["statements"]["f1"] == 1.0 and s["themes"]["tp"] == 3


def test_missing_prediction_scores_zero():
    s = score_records([GOLD], [None])
    assert s["missing"] == 1 and s["agency"] == 0.0 and s["table_cells"] == 0.0
    assert s["statements"]["recall"] == 0.0 and s["statements"]["fn"] == 2


def test_meta_normalised_and_null_dates():
    pred = copy.deepcopy(GOLD)
    pred["meta"]["title"] = "甲县民政局 2024 年政府信息公开工作年度报告"
    pred["meta"]["report_date"] = None
    s = score_records([GOLD], [pred])
    assert s["title"] == 1.0 and s["report_date"] == 0.0


def test_sections_need_each_sentence_in_the_same_section():
    pred = copy.deepcopy(GOLD)
    pred["sections"] = [{"id": "overview", "text": "全年公开信息20条"}, {"id": "other_matters", "text": "一是更新不及时。"}]
    s = score_records([GOLD], [pred])
    assert s["section_sentences"] == 0.25  # 4 sentences; only 全年公开信息20条 found under its id


def test_table_cells_exact_numbers():
    pred = copy.deepcopy(GOLD)
    pred["tables"]["requests"]["new_received"]["total"] = 3
    assert score_records([GOLD], [pred])["table_cells"] == 0.5


def test_statement_markers_ignored_types_must_agree():
    pred = copy.deepcopy(GOLD)
    pred["statements"][1]["text"] = "一是部分栏目信息更新不够及时。"
    pred["statements"][2]["type"] = "problem"
    s = score_records([GOLD], [pred])["statements"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1)


def test_framing_prediction_is_not_a_false_alarm_but_an_invention_is():
    pred = copy.deepcopy(GOLD)
    pred["statements"][0]["type"] = "problem"  # the framing sentence typed as a problem
    pred["statements"].append({"section": "problems", "type": "improvement", "text": "完全不同的另一句话内容", "themes": []})
    s = score_records([GOLD], [pred])["statements"]
    assert (s["tp"], s["fp"], s["fn"]) == (2, 1, 0)


def test_themes_micro_counts():
    pred = copy.deepcopy(GOLD)
    pred["statements"][2]["themes"] = ["staff_capacity", "platform_channels"]
    t = score_records([GOLD], [pred])["themes"]
    assert (t["tp"], t["fp"], t["fn"]) == (2, 1, 1)


def test_checks_must_match_every_gold_rule():
    pred = copy.deepcopy(GOLD)
    pred["checks"][0]["ok"] = True
    assert score_records([GOLD], [pred])["checks"] == 0.0


def test_helpers_and_bad_input():
    assert statement_key("（三）信息公开，不够及时；") == "信息公开不够及时"
    assert prf(0, 0, 0)["f1"] == 1.0 and prf(0, 2, 0)["precision"] == 0.0
    assert worst_fields(score_records([GOLD], [None]))[0][1] == 0.0
    with pytest.raises(ValueError):
        score_records([GOLD], [])
