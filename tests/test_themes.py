"""Themes: cue rules on clear examples, the method switch, theme ids from config, the shipped
character n-gram model (scores, calibrated thresholds, byte-stable retraining), theme_scores in
extracted statements, and the evaluation on a held-out split written apart from training."""
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
    assert themes.assign([text], probs, method="model", threshold=0.5) == [["publicity_outreach"]]
    cues = themes.assign([text], probs, method="cues")[0]
    assert {"timeliness_update", "policy_interpretation"} <= set(cues)
    seen = [{**dict.fromkeys(cues, 0.3), **probs[0]}]  # the model sees a little of each cue's theme
    both = themes.assign([text], seen, method="both", threshold=0.5, max_themes=0)[0]
    assert set(both) == set(cues) | {"publicity_outreach"}
    assert both == [t for t in themes.theme_ids() if t in both]  # taxonomy order


def test_with_both_a_cue_the_model_sees_nothing_of_does_not_count():
    text = "网站栏目更新滞后"
    assert "timeliness_update" in themes.cue_themes(text)
    none = [{"timeliness_update": 0.0}]
    assert "timeliness_update" not in themes.assign([text], none, method="both", threshold=0.5)[0]
    some = [{"timeliness_update": 0.2}]
    assert "timeliness_update" in themes.assign([text], some, method="both", threshold=0.5)[0]


def test_each_theme_s_cue_counts_above_its_own_floor():
    text = "村务公开栏目内容不全"
    assert "grassroots_disclosure" not in (themes.settings().get("cue_floors") or {})
    probs = [{"grassroots_disclosure": 0.08}]
    low = {"grassroots_disclosure": 0.05}
    high = {"grassroots_disclosure": 0.15}
    assert "grassroots_disclosure" in themes.cue_themes(text)
    assert "grassroots_disclosure" in themes.assign([text], probs, method="both", threshold=0.5, cue_floors=low)[0]
    assert "grassroots_disclosure" not in themes.assign([text], probs, method="both", threshold=0.5,
                                                        cue_floors=high)[0]


def test_a_floor_set_in_the_config_wins_over_the_fitted_one():
    fixed = themes.settings().get("cue_floors") or {}
    assert fixed, "config/statements.yaml themes.cue_floors"
    tid, floor = next(iter(fixed.items()))
    assert themes.cue_floor_map({tid: floor + 0.3})[tid] == float(floor)


def test_the_cue_floor_is_the_one_with_the_best_out_of_fold_f1():
    import numpy as np

    from ingest.theme_model import best_cue_floor

    # the cue fires on all four; the two the model gives 0.1 or less are not the theme
    probs = np.array([0.05, 0.1, 0.2, 0.25])
    cues = np.ones(4, dtype=bool)
    gold = np.array([False, False, True, True])
    assert best_cue_floor(probs, cues, gold, cut=0.5, grid=[0.02, 0.05, 0.15, 0.3]) == 0.15
    # ties keep the lowest floor
    assert best_cue_floor(probs, cues, np.ones(4, dtype=bool), cut=0.5, grid=[0.1, 0.02]) == 0.02


def test_the_shipped_model_chose_a_cue_floor_per_theme():
    from ingest.statements import nlp

    floors = nlp.themes_pipeline().cue_floors
    assert set(floors) == set(themes.theme_ids())
    grid = themes.settings()["model"]["cue_floor_grid"]
    assert all(f in grid for f in floors.values())


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
    heldout = tmp_path / "heldout.jsonl"
    heldout.write_text(json.dumps({"text": "政策解读材料偏少，解读形式单一", "label": "problem",
                                   "themes": ["policy_interpretation"]}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--cv", "2", "--data", str(data), "--no-extra",
                                      "--heldout", str(heldout), "--no-gold"])
    assert result.exit_code == 0, result.output
    assert "2-fold CV: type macro-F1" in result.output
    assert "policy_interpretation" in result.output and "timeliness_update" in result.output
    for method in ("cues", "model", "both"):
        assert method in result.output
    assert "held-out: themes per theme (method: model)" in result.output
    after = result.output.split("held-out: themes per theme (method: model)")[1]
    row = next(line for line in after.splitlines() if "policy_interpretation" in line)
    assert row.rstrip(" │|").endswith("1")  # support: one held-out statement


def test_ingest_eval_reads_a_gold_folder(tmp_path):
    import json

    from typer.testing import CliRunner

    from ingest.cli.main import app

    gold = tmp_path / "gold"
    gold.mkdir()
    record = {"statements": [
        {"section": "problems", "type": "problem", "text": "工作人员多为兼职，业务不熟", "themes": ["staff_capacity"]},
        {"section": "problems", "type": "other", "text": "现将有关情况报告如下", "themes": []}]}
    (gold / "a.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--cv", "0", "--heldout", str(tmp_path / "none.jsonl"),
                                      "--gold", str(gold)])
    assert result.exit_code == 0, result.output
    assert "gold statements of" in result.output and "gold: themes per theme" in result.output
    bad = CliRunner().invoke(app, ["eval", "--cv", "0", "--gold", str(tmp_path / "missing")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_a_cue_word_that_only_names_the_place_does_not_tag_its_theme():
    from ingest.themes import cue_themes

    assert "platform_channels" not in cue_themes("部分信息在政府信息公开网站更新不及时")
    assert "platform_channels" in cue_themes("门户网站版面陈旧，栏目设置不合理")
    assert "innovation_effectiveness" not in cue_themes("积极创新解读方式，提升政策解读质量")
    assert "innovation_effectiveness" in cue_themes("工作方式创新不足")


def test_max_themes_keeps_the_most_probable():
    probs = {"timeliness_update": 0.9, "staff_capacity": 0.8, "content_coverage": 0.7, "platform_channels": 0.6}
    got = themes.assign(["x"], [probs], method="model", threshold=0.5, max_themes=3)[0]
    assert set(got) == {"timeliness_update", "staff_capacity", "content_coverage"}


def test_scores_above_floor_are_rounded_and_filtered():
    assert themes.scores_above_floor({"staff_capacity": 0.91234, "content_coverage": 0.05}, 0.1) == \
        {"staff_capacity": 0.912}


def test_the_shipped_model_calibrated_a_threshold_per_theme():
    from ingest.statements import nlp

    model = nlp.themes_pipeline()
    assert set(model.thresholds) == set(themes.theme_ids())
    assert all(0.0 < cut < 1.0 for cut in model.thresholds.values())


@pytest.mark.parametrize("text,theme", [
    ("镇里懂业务的人少，信息公开靠一名兼职干部", "staff_capacity"),
    ("解读稿照抄原文，老百姓看不懂", "policy_interpretation"),
    ("网上的公示好几个月没换过", "timeliness_update"),
    ("村里的公开栏只贴了几张旧通知", "grassroots_disclosure"),
])
def test_the_model_alone_tags_wordings_no_cue_lists(text, theme):
    from ingest.statements import nlp

    scores = nlp.theme_scores([text])[0]
    assert theme in themes.assign([text], [scores], method="model")[0], scores


def test_retraining_the_theme_model_gives_the_same_bytes(tmp_path):
    from ingest import theme_model

    rows = [{"text": t, "themes": th} for t, th in [
        ("栏目更新不及时", ["timeliness_update"]), ("信息更新滞后", ["timeliness_update"]),
        ("长期未更新栏目", ["timeliness_update"]), ("解读形式单一", ["policy_interpretation"]),
        ("缺少政策解读", ["policy_interpretation"]), ("图解解读偏少", ["policy_interpretation"]),
        ("工作人员兼职", ["staff_capacity"]), ("加强业务培训", ["staff_capacity"]),
        ("人员流动性大", ["staff_capacity"]), ("兼职人员业务不熟，更新不及时", ["staff_capacity", "timeliness_update"])]]
    ids = ["timeliness_update", "policy_interpretation", "staff_capacity"]
    for out in ("a", "b"):
        theme_model.fit(rows, ids, {"folds": 2, "min_df": 1}).save(tmp_path / out)
    for name in (theme_model.MODEL_FILE, theme_model.WEIGHTS_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    loaded = theme_model.ThemeModel.load(tmp_path / "a")
    scores = loaded.scores(["政策解读形式单一"])[0]
    assert max(scores, key=scores.get) == "policy_interpretation"


def test_extracted_statements_carry_theme_scores_above_the_floor():
    from ingest.record import Section
    from ingest.statements import extract_statements

    text = "存在的问题：一是网站栏目更新不及时；二是工作人员多为兼职。\n改进措施：一是加强业务培训。"
    got = extract_statements([Section(id="problems", heading="五、存在的主要问题及改进情况", text=text)])
    kinds = [s for s in got if s.type in ("problem", "improvement")]
    assert kinds and all(s.theme_scores is not None for s in kinds)
    floor = themes.settings().get("floor", 0.1)
    for s in kinds:
        assert all(v >= floor for v in s.theme_scores.values())
        assert set(s.theme_scores) <= set(themes.theme_ids())
    assert "staff_capacity" in kinds[1].theme_scores
    assert all(s.theme_scores is None for s in got if s.type == "other")


def test_the_held_out_split_shares_no_statement_with_the_training_data_or_the_dev_split():
    from ingest import train
    from ingest.settings import PROJECT_ROOT

    held = train.read_examples([PROJECT_ROOT / train.HELDOUT_FILE])
    dev_rows = train.read_examples([PROJECT_ROOT / train.DEV_FILE])
    dev = {r["text"] for r in dev_rows}
    training = {r["text"] for r in train.read_examples(train.default_data())}
    training |= {r["text"] for r in train.generator_examples()}
    # boilerplate lines ("other": 本年度未发生行政复议…) may recur; problems and improvements not
    assert not {r["text"] for r in dev_rows if r["label"] != "other"} & training
    tagged = {r["text"] for r in held if r["label"] != "other"}
    assert len(held) >= 200 and not tagged & (training | dev)
    for tid in themes.theme_ids():
        assert sum(tid in r["themes"] for r in held) >= 10, tid


def test_ingest_train_twice_writes_byte_identical_models(tmp_path):
    import filecmp
    import json

    from ingest import train

    rows = [("栏目更新不及时", "problem", ["timeliness_update"]), ("解读形式单一", "problem", ["policy_interpretation"]),
            ("及时更新栏目", "improvement", ["timeliness_update"]), ("丰富解读形式", "improvement", ["policy_interpretation"]),
            ("现将有关情况报告如下", "other", [])] * 3
    data = tmp_path / "tiny.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": lab, "themes": th}, ensure_ascii=False) + "\n"
                            for t, lab, th in rows), encoding="utf-8")
    train.train_models([data], tmp_path / "a")
    train.train_models([data], tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", [str(f) for f in files], shallow=False)
    assert not mismatch and not errors


def test_a_second_theme_needs_a_share_of_the_top_one_s_probability():
    found = {"timeliness_update", "platform_channels"}
    probs = {"timeliness_update": 0.9, "platform_channels": 0.45}
    # the model found both; platform_channels scores only half of the top theme
    assert themes.with_margin(found, set(), probs, found, share=0.6) == {"timeliness_update"}
    assert themes.with_margin(found, set(), probs, found, share=0.5) == found
    assert themes.with_margin(found, set(), probs, found, share=0.0) == found
    # found by a cue, it stays where the model gives it at least the secondary cue floor
    cue = {"platform_channels"}
    assert themes.with_margin(found, cue, probs, {"timeliness_update"}, share=0.6, cue_floor=0.4) == found
    assert themes.with_margin(found, cue, probs, {"timeliness_update"}, share=0.6, cue_floor=0.5) == \
        {"timeliness_update"}
    # without a theme the model found itself, the cue-found themes all stay
    weak = {"timeliness_update": 0.2, "platform_channels": 0.05}
    assert themes.with_margin(found, found, weak, set(), share=0.6, cue_floor=0.5) == found


def test_assign_applies_the_configured_secondary_share(monkeypatch):
    settings = {**themes.settings(), "secondary_share": 0.6, "secondary_cue_floor": 0.05}
    monkeypatch.setattr(themes, "settings", lambda: settings)
    probs = [{"timeliness_update": 0.9, "staff_capacity": 0.5}]
    assert themes.assign(["x"], probs, method="model", threshold=0.4) == [["timeliness_update"]]
    settings["secondary_share"] = 0.0
    assert set(themes.assign(["x"], probs, method="model", threshold=0.4)[0]) == {"timeliness_update",
                                                                                 "staff_capacity"}


def test_thresholds_for_f_beta_below_one_are_no_lower_than_for_f1():
    import numpy as np

    from ingest.theme_model import best_threshold, f_beta

    probs = np.array([0.35, 0.45, 0.55, 0.65, 0.75, 0.85])
    gold = np.array([True, False, True, False, True, True])
    assert best_threshold(probs, gold, 0.3, 0.7, beta=1.0) == 0.3   # recall: every positive
    assert best_threshold(probs, gold, 0.3, 0.7, beta=0.5) == 0.7   # precision: only the sure ones
    assert f_beta(probs >= 0.3, gold, 1.0) == 2 * 4 / (6 + 4)


def test_the_shipped_model_was_calibrated_with_the_configured_beta():
    from ingest.statements import nlp

    assert nlp.themes_pipeline().params["beta"] == themes.settings()["model"]["beta"]
