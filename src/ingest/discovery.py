"""Theme discovery: cluster stored problem statements to show what the taxonomy misses.

    discover_themes(store_or_records, k=8) -> [CandidateTheme]

Texts are segmented with jieba (plus models/jieba_dict.txt), weighted by TF-IDF whose IDF is
fitted on our own corpus (every stored problem and improvement statement), and factorised
with scikit-learn NMF (or clustered with k-means). Each candidate theme lists its keywords,
example statements, its size and how many of its statements no configured theme covers.

A candidate is `new` (a recurring problem the taxonomy lacks) when one of its top keywords is a
word the taxonomy does not know (no theme's cue matches it and the theme model was hardly
trained on it: `known_term`) and that word recurs: it is in half of the cluster's statements and
in at least `min_size` different clauses. The tagger gives such statements some known theme anyway, so coverage
alone cannot tell them; a one-off unusual wording of a known problem does not recur.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from .errors import InvalidInput
from .statements.nlp import load_domain_words, themes_pipeline
from .themes import cue_themes

METHODS = ("nmf", "kmeans")
# Words every statement uses; they say nothing about what is wrong.
STOP = frozenset("""
信息 公开 政府信息公开 信息公开 政务公开 工作 政府 我局 我镇 我委 我办 我单位 我乡 我市 我区 单位 部门
进一步 有待 不够 存在 问题 不足 加强 提高 提升 做好 情况 开展 推进 相关 部分 个别 一些 有的 还 也 和 及 与 的 了
是 在 将 对 把 等 中 上 下 不 没有 要 能 较 比较 仍 从 以 为 让 由 并 或 其 这 该 着 年 本年度 今年 一年 以来
较为 相对 十分 非常 仍然 依然 尚未 目前 主要 一定 还是 已经 个别 少数 多数 大多
""".split())
_TOKEN = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")


@dataclass
class CandidateTheme:
    """One cluster of problem statements, described for an analyst."""

    keywords: list[str]
    examples: list[str]
    size: int
    uncovered: int = 0                       # statements with no configured theme
    known_themes: dict[str, int] = field(default_factory=dict)
    unknown_terms: list[str] = field(default_factory=list)  # recurring keywords the taxonomy does not know
    new: bool = False                        # a recurring problem no theme covers


def tokenize(text: str) -> list[str]:
    """Given a statement, return its jieba words (two or more CJK/Latin chars, no stop words)."""
    import jieba

    load_domain_words()
    return [w for w in jieba.lcut(text) if _TOKEN.match(w) and w not in STOP]


NEW_SHARE = 0.5      # a new candidate's core word is in at least this share of its statements
NEW_TOP = 8          # ...and among its first NEW_TOP keywords


KNOWN_DF = 5         # a word in this many labelled statements is one the taxonomy knows...
KNOWN_SHARE = 0.0025  # ...and in at least this share of them (1 in 400): the bar grows with the
                      # training data, so a word that only turns up in passing (开放 in a few of
                      # ~2,800 statements) does not become "known" as statements are added


def known_term(term: str) -> bool:
    """Whether the taxonomy knows a word: a theme's cue matches it, or the shipped theme model
    was trained on it (the word, or each three-character window of a longer one, occurs in
    KNOWN_DF or more labelled statements, and in KNOWN_SHARE of them)."""
    if cue_themes(term):
        return True
    model = themes_pipeline()
    if model is None:
        return False
    windows = [term[i:i + 3] for i in range(len(term) - 2)] if len(term) > 3 else [term]
    bar = max(KNOWN_DF, KNOWN_SHARE * int(model.params.get("rows", 0)))
    return all(model.document_frequency(w) >= bar for w in windows)


_CLAUSE = re.compile(r"[^，,。；;：:！？!?、]+")


def core_terms(keywords: list[str], texts: list[str], min_size: int) -> list[str]:
    """The unknown keywords that recur: in NEW_SHARE of the texts and in at least `min_size`
    different clauses (one sentence repeated across reports is one wording, not a recurring
    problem)."""
    out = []
    for word in keywords:
        having = [t for t in texts if word in t]
        clauses = {c for t in having for c in _CLAUSE.findall(t) if word in c}
        if (len(having) >= NEW_SHARE * len(texts) and len(clauses) >= min_size
                and not known_term(word)):
            out.append(word)
    return out


def _records(source) -> Iterable[dict]:
    if hasattr(source, "records"):
        return source.records()
    if isinstance(source, str):
        from .store import open_store

        return open_store(source).records()
    return source


def statements_of(records: Iterable[dict], types: tuple[str, ...]) -> list[dict]:
    """Given contract-JSON records, return their statements of the given types (deduplicated)."""
    seen, out = set(), []
    for rec in records:
        for st in rec.get("statements") or []:
            text = (st.get("text") or "").strip()
            if st.get("type") in types and text and text not in seen:
                seen.add(text)
                out.append(st)
    return out


def _vectorise(corpus: list[str], docs: list[str]):
    vec = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, min_df=1,
                          sublinear_tf=True)
    vec.fit(corpus)  # IDF from our own corpus, not from a generic one
    return vec, vec.transform(docs)


def _weights(method: str, matrix, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(statement x cluster weights, cluster x term weights)."""
    if method == "nmf":
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
        return model.fit_transform(matrix), model.components_
    km = KMeans(n_clusters=k, random_state=seed, n_init=10).fit(matrix)
    onehot = np.zeros((matrix.shape[0], k))
    onehot[np.arange(matrix.shape[0]), km.labels_] = 1.0
    return onehot, km.cluster_centers_


def discover_themes(source, k: int = 8, *, method: str = "nmf", n_keywords: int = 8,
                    n_examples: int = 3, types: tuple[str, ...] = ("problem",),
                    seed: int = 0, min_size: int = 3) -> list[CandidateTheme]:
    """Given a store (or store URL, or iterable of records), return up to k candidate themes,
    new ones first, then largest first; none where fewer than two statements are stored."""
    if method not in METHODS:
        raise InvalidInput(f"unknown discovery method {method!r}; use one of {METHODS}")
    records = list(_records(source))
    corpus = statements_of(records, ("problem", "improvement"))
    chosen = [s for s in corpus if s.get("type") in types]
    if len(chosen) < 2:  # nothing to cluster (an empty or new store)
        return []
    k = max(1, min(k, len(chosen) - 1))
    texts = [s["text"] for s in chosen]
    vec, matrix = _vectorise([s["text"] for s in corpus], texts)
    doc_w, term_w = _weights(method, matrix, k, seed)
    terms = vec.get_feature_names_out()
    assigned = doc_w.argmax(axis=1)
    out = []
    for c in range(k):
        members = np.flatnonzero((assigned == c) & (doc_w[:, c] > 0))
        if not len(members):
            continue
        top = members[np.argsort(-doc_w[members, c])][:n_examples]
        themes = Counter(t for i in members for t in chosen[i].get("themes") or [])
        keywords = [terms[j] for j in np.argsort(-term_w[c])[:max(n_keywords, NEW_TOP)] if term_w[c, j] > 0]
        core = core_terms(keywords[:NEW_TOP], [texts[i] for i in members], min_size)
        out.append(CandidateTheme(
            keywords=keywords[:n_keywords], examples=[texts[i] for i in top], size=len(members),
            uncovered=sum(1 for i in members if not chosen[i].get("themes")),
            known_themes=dict(themes.most_common()), unknown_terms=core, new=bool(core)))
    return sorted(out, key=lambda t: (not t.new, -t.size))
