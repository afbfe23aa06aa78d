"""jieba's fast start (ingest.statements.segmenter): the bucketed prefix dictionary answers
every lookup as jieba's own dict does, so segmentation is unchanged, and a bad or missing
cache only costs time."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ingest.statements import segmenter

WORDS = ["政府信息公开 20 n", "政务公开 20 n", "信息 3000 n", "公开 2500 v", "政府 4000 n",
         "工作 5000 vn", "年度 900 n", "报告 1200 n", "年度报告 30 n", "依申请 15 v",
         "申请 800 v", "a 5", "AB 7", "更新 600 v", "不及时 40 a", "及时 700 a"]
TEXTS = ["政府信息公开工作年度报告", "依申请公开信息更新不及时", "AB政务公开abc 123",
         "年度报告中的政府信息", ""]


@pytest.fixture()
def tiny(tmp_path):
    jieba = segmenter.import_jieba()
    path = tmp_path / "dict.txt"
    path.write_text("\n".join(WORDS) + "\n", encoding="utf-8")
    return jieba, path


def test_bucketed_dictionary_answers_like_jiebas_own(tiny, tmp_path):
    jieba, path = tiny
    freq, total = jieba.Tokenizer.gen_pfdict(open(path, "rb"))
    cache = tmp_path / "cache.bin"
    segmenter.build(path, jieba, b"key", cache, bits=4)
    lazy, lazy_total = segmenter.open_prefix_dict(cache, b"key")
    assert lazy_total == total
    for key, value in freq.items():
        assert key in lazy and lazy[key] == value and lazy.get(key) == value
    for missing in ["政府信", "x", "公开信息", "", "报", "\U0001F600"]:
        assert (missing in lazy) == (missing in freq)
        assert lazy.get(missing, -1) == freq.get(missing, -1)
    lazy["新词"] = 5
    assert lazy["新词"] == 5 and "新" not in lazy


def test_tokenizer_on_the_bucketed_dictionary_segments_the_same(tiny, tmp_path):
    jieba, path = tiny
    plain = jieba.Tokenizer(str(path))
    plain.tmp_dir = str(tmp_path)
    fast = jieba.Tokenizer(str(path))
    segmenter.build(path, jieba, b"k", tmp_path / "c.bin")
    fast.FREQ, fast.total = segmenter.open_prefix_dict(tmp_path / "c.bin", b"k")
    fast.initialized = True
    for tok in (plain, fast):
        tok.add_word("信息更新", 10)
    for text in TEXTS:
        for hmm in (True, False):
            assert fast.lcut(text, HMM=hmm) == plain.lcut(text, HMM=hmm)
        assert fast.lcut_for_search(text) == plain.lcut_for_search(text)
    assert fast.total == plain.total


def test_a_cache_for_another_source_or_cut_short_is_not_used(tiny, tmp_path):
    jieba, path = tiny
    cache = tmp_path / "c.bin"
    segmenter.build(path, jieba, b"one", cache)
    assert segmenter.open_prefix_dict(cache, b"two") is None
    data = cache.read_bytes()
    cache.write_bytes(data[:-10])
    assert segmenter.open_prefix_dict(cache, b"one") is None
    cache.write_bytes(b"junk")
    assert segmenter.open_prefix_dict(cache, b"one") is None
    assert segmenter.open_prefix_dict(tmp_path / "absent", b"one") is None


def test_building_a_cache_removes_the_files_of_other_dictionaries(tiny, tmp_path):
    jieba, path = tiny
    stale = tmp_path / "jieba-prefix-0badf00d.v1"
    stale.write_bytes(b"an old jieba's cache")
    writing = tmp_path / "jieba-prefix-12345678.v1.tmpabc"  # another process's write
    writing.write_bytes(b"...")
    current = tmp_path / "jieba-prefix-12345678.v1"
    segmenter.build(path, jieba, b"key", current)
    assert current.exists() and writing.exists() and not stale.exists()
    assert segmenter.open_prefix_dict(current, b"key") is not None


PROBE = """
import json, sys
from ingest.statements import nlp
from ingest.statements.segmenter import PrefixDict
nlp.load_domain_words()
import jieba
text = sys.argv[1]
words = [jieba.lcut(text), jieba.lcut(text, HMM=False), jieba.lcut_for_search(text)]
scores = nlp.type_scores([text, "加强业务培训，提升工作人员能力"])
print(json.dumps({"fast": isinstance(jieba.dt.FREQ, PrefixDict), "total": jieba.dt.total,
                  "words": words, "scores": scores,
                  "loaded": sorted(m for m in ("pkg_resources", "spacy.cli", "requests", "weasel")
                                   if m in sys.modules)}, ensure_ascii=False))
"""


def _probe(cache_dir: str) -> dict:
    text = "对照要求，我局政务新媒体还存在信息发布不够及时、解读形式单一等问题。三审三校制度落实不到位。"
    env = {**os.environ, "INGEST_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", PROBE, text], capture_output=True, text=True,
                          timeout=300, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_fast_start_segments_and_scores_exactly_like_jiebas_own_start(tmp_path):
    cold = _probe(str(tmp_path / "cache"))      # builds the cache
    warm = _probe(str(tmp_path / "cache"))      # reads it
    plain = _probe("")                         # no cache: jieba's own start
    assert cold["fast"] and warm["fast"] and not plain["fast"]
    for got in (cold, warm):
        assert (got["total"], got["words"], got["scores"]) == (plain["total"], plain["words"], plain["scores"])
    assert warm["loaded"] == []  # no pkg_resources, no spaCy command line (requests, weasel)


def test_an_unusable_cache_folder_falls_back_to_jiebas_own_start():
    got = _probe(os.devnull + "/cache")  # cannot be made
    assert not got["fast"] and got["words"][0]


def test_spacy_imported_without_its_command_line_still_has_it_on_demand():
    code = """
import sys
from ingest.statements import nlp
spacy = nlp.import_spacy()
before = "spacy.cli" in sys.modules
import spacy.cli
print(before, callable(spacy.cli.setup_cli), sorted(spacy.info(silent=True))[:1])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False", "True", "['location']"]


def test_threads_that_start_parsing_together_each_get_a_whole_jieba_and_models():
    """A Dask worker parses in threads: the first ones set up jieba and the models side by
    side in a fresh process; none may see a half-imported jieba or load a model twice."""
    code = """
import threading
from concurrent.futures import ThreadPoolExecutor
from ingest.search.segment import tokenizer
from ingest.statements import nlp
start = threading.Barrier(6)
def work(_):
    start.wait()
    return (nlp.type_pipeline(), nlp.themes_pipeline(), tokenizer(),
            " ".join(tokenizer().cut("政务新媒体信息发布不够及时")))
with ThreadPoolExecutor(6) as pool:
    got = list(pool.map(work, range(6)))
print(len({id(g[0]) for g in got}), len({id(g[1]) for g in got}), len({id(g[2]) for g in got}),
      len({g[3] for g in got}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]
    assert done.stdout.split() == ["1", "1", "1", "1"]
