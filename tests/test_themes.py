"""Themes: cue rules on clear examples, the method switch, and theme ids from config."""
from __future__ import annotations

import pytest

from ingest import themes


@pytest.mark.parametrize("text,theme", [
    ("网站部分栏目更新不及时", "timeliness_update"),
    ("政策解读形式单一，缺少图解和视频解读", "policy_interpretation"),
    ("信息公开工作由办公室人员兼职，人手不足", "staff_capacity"),
    ("严格落实三审三校制度，加强保密审查", "review_quality_control"),
    ("加大宣传力度，提高群众知晓率", "publicity_outreach"),
    ("规范依申请公开答复书格式，告知救济渠道", "application_handling"),
    ("推动政务公开向村居社区延伸", "grassroots_disclosure"),
    ("建立长效机制，落实责任到人", "institutional_mechanism"),
    ("少数科室对公开工作重视不够，主动公开意识不强", "awareness_attention"),
    ("拓宽公开渠道，用好政务新媒体", "platform_channels"),
    ("街道网站内容偏少，信息上网也比较慢", "timeliness_update"),
    ("文件一出台就上网，做到又快又准", "timeliness_update"),
    ("信息发布不够全，质量不够高", "content_coverage"),
    ("发布方式也比较单调", "platform_channels"),
    ("组织干部专门学习信息公开业务", "staff_capacity"),
])
def test_cues_find_the_theme(text, theme):
    assert theme in themes.cue_themes(text)


def test_a_website_s_capability_is_not_its_staff_s():
    assert "staff_capacity" not in themes.cue_themes("网站信息安全防护能力有待加强")


def test_a_message_reaching_few_is_not_about_the_public_knowing_the_system():
    assert "publicity_outreach" not in themes.cue_themes("平台不够活跃，传播面不大")
    assert "publicity_outreach" in themes.cue_themes("群众对依申请公开渠道知晓率不高")


def test_cues_find_nothing_in_neutral_text():
    assert themes.cue_themes("本报告所列数据统计期限为1月1日至12月31日") == []


def test_assign_methods_and_order():
    text = "网站栏目更新滞后，解读材料偏少"
    probs = [{"publicity_outreach": 0.9, "timeliness_update": 0.2}]
    assert themes.assign([text], probs, method="model") == [["publicity_outreach"]]
    cues = themes.assign([text], probs, method="cues")[0]
    assert {"timeliness_update", "policy_interpretation"} <= set(cues)
    both = themes.assign([text], probs, method="both")[0]
    assert set(both) == set(cues) | {"publicity_outreach"}
    assert both == [t for t in themes.theme_ids() if t in both]  # taxonomy order


def test_unknown_method_is_an_error():
    with pytest.raises(ValueError):
        themes.assign(["x"], method="magic")


def test_theme_ids_are_the_fourteen_of_the_taxonomy():
    ids = themes.theme_ids()
    assert len(ids) == 14 and len(set(ids)) == 14
    assert "content_coverage" in ids and "grassroots_disclosure" in ids


def test_shipped_theme_model_scores_every_theme():
    from ingest.statements import nlp

    scores = nlp.theme_scores(["加强业务培训，提高工作人员业务水平"])[0]
    assert set(scores) == set(themes.theme_ids())
    assert max(scores, key=scores.get) == "staff_capacity"


@pytest.mark.slow
def test_ingest_eval_prints_type_macro_f1_and_per_theme_table(tmp_path):
    import json

    from typer.testing import CliRunner

    from ingest.cli.main import app

    rows = [("栏目更新不及时", "problem", ["timeliness_update"]), ("解读形式单一", "problem", ["policy_interpretation"]),
            ("及时更新栏目", "improvement", ["timeliness_update"]), ("丰富解读形式", "improvement", ["policy_interpretation"]),
            ("现将有关情况报告如下", "other", [])] * 2
    data = tmp_path / "tiny.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": lab, "themes": th}, ensure_ascii=False) + "\n"
                            for t, lab, th in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--cv", "2", "--data", str(data), "--no-extra"])
    assert result.exit_code == 0, result.output
    assert "type macro-F1" in result.output
    assert "policy_interpretation" in result.output and "timeliness_update" in result.output
    for method in ("cues", "model", "both"):
        assert method in result.output


def test_a_cue_word_that_only_names_the_place_does_not_tag_its_theme():
    from ingest.themes import cue_themes

    assert "platform_channels" not in cue_themes("部分信息在政府信息公开网站更新不及时")
    assert "platform_channels" in cue_themes("门户网站版面陈旧，栏目设置不合理")
    assert "innovation_effectiveness" not in cue_themes("积极创新解读方式，提升政策解读质量")
    assert "innovation_effectiveness" in cue_themes("工作方式创新不足")
