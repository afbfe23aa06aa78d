"""Search on SQLite (FTS5) and PostgreSQL (tsvector): short queries, ranking, snippets, filters."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ingest.cli.main import app
from ingest.errors import InvalidInput
from ingest.search import Filters, query_terms, search, segment, snippet

REPORTS = [
    # agency, year, problems (text, themes)
    ("石龙区科学技术局", 2023, (("政策解读形式单一，图解和视频解读较少", ("policy_interpretation",)),
                           ("信息更新不及时", ("timeliness_update",)))),
    ("石龙区科学技术局", 2024, (("新媒体平台的互动功能不强", ("platform_channels",)),
                           ("工作人员参加培训次数少", ("staff_capacity",)))),
    ("平顶山市教育局", 2024, (("依申请公开答复不够规范", ("disclosure_standardization",)),
                         ("网站栏目更新不及时，部分信息发布滞后", ("timeliness_update",)))),
    ("某县人民政府", 2022, (("对新出台政策的解读不够深入", ("policy_interpretation",)),
                        ("媒体宣传不足，新的公开渠道少", ("platform_channels",)))),
]


@pytest.fixture
def filled(store, record_factory, save_record):
    for agency, year, problems in REPORTS:
        save_record(store, record_factory(agency, year, problems=problems,
                                          improvements=("加强业务培训",)))
    return store


def statements_containing(store, word):
    return {s["text"] for r in store.records() for s in r["statements"] if word in s["text"]}


@pytest.mark.parametrize("query", ["解读", "培训", "更新", "新媒体", "依申请", "不及时"])
def test_short_queries_find_every_statement_containing_them(filled, query):
    hits = search(filled, query, Filters(kind="statement"), limit=100)
    assert {h.text for h in hits} >= statements_containing(filled, query)
    assert query in hits[0].text


def test_single_character_query_matches_anywhere_in_a_run(filled):
    texts = {h.text for h in search(filled, "少", Filters(kind="statement"), limit=100)}
    assert "政策解读形式单一，图解和视频解读较少" in texts  # last character of a run
    assert "工作人员参加培训次数少" in texts


def test_short_queries_match_verbatim_long_ones_word_by_word(filled):
    hits = search(filled, "新媒体", limit=10)
    # "媒体宣传不足，新的公开渠道少" has 新 and 媒体 but not 新媒体: not a hit
    assert hits and all("新媒体" in h.text for h in hits)
    long = search(filled, "网站栏目信息滞后", Filters(kind="statement"))  # 网站/栏目/信息/滞后
    assert [h.text for h in long] == ["网站栏目更新不及时，部分信息发布滞后"]
    assert long[0].snippet.startswith("<mark>网站栏目</mark>更新不及时，部分<mark>信息</mark>")
    hits = search(filled, "解读", limit=10)
    assert [h.year for h in hits[:1]] != [] and all("解读" in h.text for h in hits)
    more = [h for h in hits if h.kind == "statement"]
    assert more[0].text.count("解读") == 2  # bm25: two mentions beat one


def test_snippet_marks_the_original_text(filled):
    [hit] = search(filled, "互动功能", Filters(kind="statement"))
    assert hit.snippet == "新媒体平台的<mark>互动功能</mark>不强"
    assert " " not in hit.snippet  # not the segmented copy
    long_text = "前" * 100 + "政策解读" + "后" * 100
    cut = snippet(long_text, query_terms("解读"), width=40)
    assert cut.startswith("…") and cut.endswith("…") and "<mark>解读</mark>" in cut
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) == 42


def test_hits_carry_their_report(filled):
    hit = search(filled, "依申请", Filters(type="problem"))[0]
    assert (hit.agency, hit.year, hit.section, hit.type) == ("平顶山市教育局", 2024, "problems",
                                                             "problem")
    assert hit.title == "平顶山市教育局2024年政府信息公开工作年度报告"
    assert hit.url.startswith("https://gov.example.cn/") and hit.score > 0


def test_filters(filled):
    def agencies_years(**kw):
        return {(h.agency, h.year) for h in search(filled, "不及时", Filters(**kw), limit=50)}

    assert agencies_years(year=2024) == {("平顶山市教育局", 2024)}
    assert agencies_years(agency="石龙区") == {("石龙区科学技术局", 2023)}
    assert {h.kind for h in search(filled, "解读", Filters(section="overview"))} == set()
    assert {h.section for h in search(filled, "解读", Filters(section="problems"))} == {"problems"}
    assert {h.type for h in search(filled, "培训", Filters(type="improvement"), limit=50)} == \
        {"improvement"}
    themed = search(filled, "解读", Filters(theme="policy_interpretation"), limit=50)
    assert {h.text for h in themed} == {"政策解读形式单一，图解和视频解读较少", "对新出台政策的解读不够深入"}


def test_reparse_replaces_the_indexed_text(store, record_factory, save_record):
    old = record_factory(problems=(("档案管理不规范", ()),))
    save_record(store, old)
    assert search(store, "档案")
    new = record_factory(problems=(("目录编制滞后", ()),))
    new.source = old.source
    save_record(store, new, parser_version="2")
    assert search(store, "档案") == []
    assert search(store, "目录编制")[0].text == "目录编制滞后"


def test_empty_query_is_an_invalid_input(filled):
    with pytest.raises(InvalidInput):
        search(filled, " ，。 ")


def test_segment_indexes_words_and_bigrams():
    tokens = segment("加强业务培训").split()
    assert "业务培训" in tokens and "务培" in tokens and "训" in tokens


def test_cli_search_json(filled, db_url):
    result = CliRunner().invoke(app, ["search", "培训", "--db", db_url, "--kind", "statement",
                                      "--type", "problem",
                                      "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [h["text"] for h in hits] == ["工作人员参加培训次数少"]
    assert set(hits[0]) >= {"text", "snippet", "score", "agency", "year", "title", "url"}
    table = CliRunner().invoke(app, ["search", "培训", "--db", db_url, "--year", "2024"])
    assert table.exit_code == 0 and "石龙区科学技术局" in table.stdout


def test_cli_unreachable_store_is_a_one_line_error():
    result = CliRunner().invoke(app, ["search", "解读", "--db",
                                      "postgresql+psycopg://postgres@127.0.0.1:1/none"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: cannot open store")


def test_long_sections_are_indexed_as_passages(store, record_factory, save_record):
    from ingest.search.index import CHUNK_CHARS, chunks

    text = "本机关持续推进政务公开工作。" * 1500 + "最后一句提到档案数字化。"
    record = record_factory(overview=text)
    save_record(store, record)
    [hit] = search(store, "档案数字化")
    assert hit.section == "overview" and hit.text.endswith("最后一句提到档案数字化。")
    assert len(hit.text) <= CHUNK_CHARS
    assert "".join(chunks(text)) == text
    assert all(len(c) <= CHUNK_CHARS for c in chunks("无标点" * 2000))


@pytest.fixture
def small_window(monkeypatch):
    """Rank windows of one unit (so a window is `limit` units)."""
    from ingest.search import query

    monkeypatch.setattr(query, "RANK_WINDOW", 1)
    monkeypatch.setattr(query, "PG_RANK_WINDOW", 1)


def test_a_common_query_is_ranked_over_its_newest_matches(filled, small_window):
    # the window is the two newest units mentioning 培训: the last report's
    assert {h.agency for h in search(filled, "培训", limit=2)} == {"某县人民政府"}
    # a filter that leaves the window without hits: ranked over every match instead
    hits = search(filled, "培训", Filters(agency="石龙区"), limit=2)
    assert len(hits) == 2 and {h.agency for h in hits} == {"石龙区科学技术局"}


def test_a_window_of_near_misses_falls_back_to_every_match(store, record_factory, save_record,
                                                           small_window):
    save_record(store, record_factory(problems=(("新媒体平台建设滞后", ()),)))
    save_record(store, record_factory("某县人民政府", problems=(("更新媒介，发展媒体", ()),)))
    # PostgreSQL's window holds 新媒 and 媒体 apart (the newest unit): no hit there
    assert [h.text for h in search(store, "新媒体", Filters(kind="statement"), limit=1)] == \
        ["新媒体平台建设滞后"]


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_pg_window_by_scan_and_by_index_agree(filled, monkeypatch):
    from sqlalchemy import text

    from ingest.search import query

    with filled.session() as session:
        every = session.scalars(text("SELECT id FROM search_docs WHERE "
                                     "tsv @@ to_tsquery('simple', '培训') ORDER BY id DESC")).all()
        assert len(every) > 3
        for sample, probe in ((0, 100), (0, 1), (10**6, 1)):  # scan; scan comes up short; GIN
            monkeypatch.setattr(query, "PG_SAMPLE", sample)
            monkeypatch.setattr(query, "PG_PROBE", probe)
            assert sorted(query._pg_window(session, "'培训'", 3), reverse=True) == every[:3]
            assert sorted(query._pg_window(session, "'培训'", 100), reverse=True) == every


def test_the_index_keeps_exactly_the_tokens_a_query_can_ask_for():
    from ingest.search.segment import index_segment, query_terms

    text = "本机关2023年通过政务新媒体发布信息1,024条，IPv6改造完成。"
    tokens = index_segment(text).split()
    assert "2023" in tokens and "ipv6" in tokens and "新媒" in tokens and "媒体" in tokens
    assert not [t for t in tokens if len(t) > 2 and all("\u4e00" <= ch <= "\u9fff" for ch in t)]
    for query in ("政务新媒体发布信息", "2023", "IPv6", "新媒体"):
        asked = {tok for phrase in query_terms(query).required for tok in phrase.tokens}
        assert asked <= set(tokens), query


def test_search_texts_segmented_by_the_parser_are_indexed_as_the_store_would(store, record_factory):
    """A parse worker segments a record's search texts (record_segments) so the crawl's store
    only writes them: the index must hold exactly what the store makes of the same record."""
    from sqlalchemy import select

    from ingest.search.index import record_segments
    from ingest.store.models import SearchDoc

    long = "本机关持续推进政务公开工作。" * 200 + "最后提到档案数字化2024年。"
    made_here = record_factory(overview=long, problems=(("档案管理不规范", ()),))
    made_there = record_factory(overview=long, problems=(("档案管理不规范", ()),))
    made_there.source.uri, made_there.source.sha256 = "http://other.example/r.pdf", "f" * 64
    fields = dict(media_type="text/plain", status="ok", reason=None, parser_version="1")
    here = store.save_document(uri=made_here.source.uri, sha256=made_here.source.sha256,
                               record=made_here, **fields)
    there = store.save_document(uri=made_there.source.uri, sha256=made_there.source.sha256,
                                record=made_there, segments=record_segments(made_there), **fields)
    with store.session() as session:
        rows = {doc: session.execute(select(SearchDoc.kind, SearchDoc.text, SearchDoc.seg)
                                     .where(SearchDoc.document_id == doc)
                                     .order_by(SearchDoc.id)).all() for doc in (here, there)}
    assert len(rows[here]) > 2 and rows[here] == rows[there]
    assert search(store, "档案数字化")
