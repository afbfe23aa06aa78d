"""Segmentation for the search index: given text, return the space-separated tokens to index.

Tokens are jieba's search-mode words (loaded once per process, with the domain dictionary
`models/jieba_dict.txt` when present) plus, for every run of CJK characters, its character
bigrams and its last character. The bigrams make every 2-character query match wherever the
characters occur, whatever jieba decided; since every character starts some token, a
1-character query is a prefix match. Queries are turned into terms the same way.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from ..settings import models_dir

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=1)
def tokenizer():
    """jieba's default tokenizer, initialised once, with the domain dictionary if present."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    user_dict = models_dir() / "jieba_dict.txt"
    if user_dict.is_file():
        jieba.load_userdict(str(user_dict))
    return jieba.dt


def cjk_grams(run: str) -> list[str]:
    """Given a CJK run, return its bigrams and its last character (a 1-char run: itself)."""
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def words(text: str) -> list[str]:
    """jieba search-mode words of `text` that are worth indexing (lower-cased, no punctuation).

    2-character CJK words are left out: the bigrams already contain them.
    """
    out = []
    for word in tokenizer().cut_for_search(text):
        word = word.strip().lower()
        if not word or not WORD.search(word):
            continue
        if len(word) <= 2 and CJK_RUN.fullmatch(word):
            continue
        out.append(_clean(word))
    return [w for w in out if w]


def _clean(word: str) -> str:
    """Only word characters survive (FTS5's unicode61 tokenizer would split on the rest)."""
    return "".join(ch for ch in word if ch.isalnum() or ch == "_")


def segment(text: str) -> str:
    """The indexed form of `text`: jieba words and CJK bigrams, space-separated."""
    grams = [g for run in CJK_RUN.findall(text) for g in cjk_grams(run)]
    return " ".join(words(text) + grams)


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class QueryTerms:
    """A query as index terms: all of `required` must match; `boost` words rank higher."""

    parts: tuple[str, ...]          # the query's own space-separated parts (for exact matching)
    required: tuple[Term, ...]
    boost: tuple[str, ...]


def query_terms(query: str) -> QueryTerms:
    """Given a user query, return the terms to look up, segmented as the index was."""
    parts = tuple(p for p in query.split() if p)
    required: list[Term] = []
    boost: list[str] = []
    for part in parts:
        for piece in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", part):
            if not piece:
                continue
            if CJK_RUN.fullmatch(piece):
                if len(piece) == 1:
                    required.append(Term(piece, prefix=True))
                else:
                    required.extend(Term(g) for g in cjk_grams(piece)[:-1])
                    boost.extend(w for w in words(piece) if len(w) > 2)
            else:
                required.extend(Term(w) for w in words(piece))
    return QueryTerms(parts, tuple(dict.fromkeys(required)), tuple(dict.fromkeys(boost)))
