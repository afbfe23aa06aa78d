"""Theme discovery over a real store: clusters of problem statements with keywords and examples."""
from __future__ import annotations

import pytest

from ingest.discovery import discover_themes, tokenize
from ingest.errors import InvalidInput

GROUPS = {
    "staff": ["信息公开工作人员均为兼职，人手紧张", "经办人员流动频繁，兼职人员业务不熟",
              "兼职人员多，专职人手不足", "乡镇经办人员兼职较多，人手不够"],
    "archive": ["纸质档案数字化进度缓慢，历史档案无法查询", "档案数字化扫描尚未完成，档案查询不便",
                "历史档案数字化工作滞后", "档案整理数字化程度低，查阅档案耗时长"],
    "interpretation": ["政策解读以文字为主，图解解读偏少", "政策解读不够通俗，解读形式单一",
                       "重要文件缺少政策解读", "政策解读发布滞后于文件"],
}


def _records(record_factory):
    """Three agencies' records; the archive problems carry no configured theme."""
    out = []
    for n in range(4):
        problems = tuple((GROUPS[g][n], () if g == "archive" else ("staff_capacity",))
                         for g in GROUPS)
        out.append(record_factory(agency=f"测试县第{n + 1}局", problems=problems, salt=str(n)))
    return out


def _cluster_of(found, word):
    return next(t for t in found if word in t.keywords[:3])


def test_discovers_the_groups_from_a_store(store, record_factory, save_record):
    for rec in _records(record_factory):
        save_record(store, rec)
    found = discover_themes(store, k=3)
    assert len(found) == 3 and sum(t.size for t in found) == 12
    archive = _cluster_of(found, "档案")
    assert archive.size == 4 and archive.uncovered == 4 and archive.known_themes == {}
    assert all("档案" in e for e in archive.examples)
    staff = _cluster_of(found, "兼职")
    assert staff.uncovered == 0 and staff.known_themes == {"staff_capacity": 4}
    assert _cluster_of(found, "解读").size == 4
    assert archive.new and "档案" in archive.unknown_terms  # no theme knows 档案
    assert not staff.new and not _cluster_of(found, "解读").new
    assert found[0] is archive  # new candidates first


def test_kmeans_on_records_in_memory(record_factory):
    records = [r.to_json_dict() for r in _records(record_factory)]
    found = discover_themes(records, k=3, method="kmeans", n_examples=2)
    assert sorted(t.size for t in found) == [4, 4, 4]
    assert all(len(t.examples) == 2 for t in found)


def test_only_problem_statements_are_clustered(record_factory):
    records = [r.to_json_dict() for r in _records(record_factory)]
    found = discover_themes(records, k=3)
    improvement = records[0]["statements"][-1]["text"]
    assert all(improvement not in t.examples for t in found)


def test_too_few_statements_give_no_candidates(store):
    assert discover_themes(store) == []
    assert discover_themes([{"statements": [{"type": "problem", "text": "网站更新慢"}]}]) == []


def test_unknown_method_is_a_clear_error(record_factory):
    with pytest.raises(InvalidInput, match="unknown discovery method"):
        discover_themes([record_factory().to_json_dict()], method="lda")


def test_tokenize_keeps_domain_words_and_drops_stop_words():
    words = tokenize("我局政务新媒体更新不及时，信息公开工作有待加强")
    assert "政务新媒体" in words
    assert "我局" not in words and "信息公开" not in words


# A problem the taxonomy has no theme for (政务数据开放: open government data), planted in 5%
# of generated reports; each planted report states one or two of these.
OPEN_DATA = ["政务数据开放工作刚刚起步，开放的数据集数量少、更新慢", "公共数据开放目录尚未编制，可开放的数据底数不清",
             "数据开放平台上的数据多为静态表格，不能机读下载", "部门间数据开放共享意愿不强，数据开放范围偏窄",
             "开放数据的格式不统一，社会利用开放数据的程度低", "公共数据资源开放清单更新不及时，开放数据质量不高",
             "对政务数据开放的分级分类管理还不到位", "可供社会下载利用的开放数据集偏少"]


def _generated_records(n: int, seed: int) -> list[dict]:
    """n generated reports through the statements stage (types, themes, theme_scores as the
    pipeline stores them); every 20th report also states open-data problems."""
    import random

    from ingest import themes
    from ingest.corpus import build
    from ingest.corpus.generate import specs
    from ingest.record import Statement
    from ingest.statements import extract_statements, nlp

    rng = random.Random(seed)
    out = []
    for i, spec in enumerate(specs(n, seed=seed)):
        statements = extract_statements(build.sections(spec))
        if i % 20 == 7:
            texts = rng.sample(OPEN_DATA, 2)
            probs = nlp.theme_scores(texts)
            statements += [Statement(section="problems", type="problem", text=t, themes=tags,
                                     theme_scores=themes.scores_above_floor(p))
                           for t, p, tags in zip(texts, probs, themes.assign(texts, probs))]
        out.append({"statements": [s.model_dump() for s in statements]})
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed,k", [(11, 8), (5, 12)])
def test_a_planted_uncovered_problem_comes_out_as_the_one_new_candidate(seed, k):
    records = _generated_records(100, seed)
    planted = {s["text"] for r in records for s in r["statements"] if s["text"] in OPEN_DATA}
    assert len(planted) >= 4
    found = discover_themes(records, k=k)
    new = [t for t in found if t.new]
    assert len(new) == 1, [(t.keywords, t.unknown_terms) for t in new]
    cand = new[0]
    assert found[0] is cand  # new candidates are listed first
    assert "开放" in cand.keywords[:3] and "开放" in cand.unknown_terms
    assert cand.examples and all(e in planted for e in cand.examples)
    assert sum(e in planted for e in cand.examples) == len(cand.examples)
    # the known themes' clusters are there, and none of them is new
    others = [t for t in found if not t.new]
    assert len(others) >= k // 2 and all(t.known_themes for t in others)
