"""Segmentation for the search index: given text, return the space-separated tokens to index.

Tokens are jieba's search-mode words (loaded once per process, with the domain dictionary
`models/jieba_dict.txt` when present) plus, for every run of CJK characters, its character
bigrams in order and its last character. The bigrams make a 2-4 character query match exactly
where it occurs, whatever jieba decided (a phrase of consecutive bigrams); since every
character starts some token, a 1-character query is a prefix match. Longer queries are cut
into words by jieba and each word is matched that way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=1)
def tokenizer():
    """jieba's default tokenizer with the domain dictionary: the very one the statements
    stage segments with (loaded once per process, whichever stage asks first)."""
    from ..statements.nlp import load_domain_words
    from ..statements.segmenter import import_jieba

    load_domain_words()
    return import_jieba().dt


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
    """`text` for outside search engines (exports): CJK bigrams (in order), then jieba words,
    space-separated. Bigrams come first so that their positions stay exact in PostgreSQL,
    which caps tsvector positions at 16383."""
    grams = [g for run in CJK_RUN.findall(text) for g in cjk_grams(run)]
    return " ".join(grams + words(text))


def index_segment(text: str) -> str:
    """What the store's own index keeps of `text`: exactly the tokens `query_terms` can ask
    for — CJK bigrams and last characters (in order), then the words of the pieces between
    CJK runs (numbers, Latin). A CJK query is always matched as bigram phrases, so jieba's
    CJK words are left out, and with them most of the cost of storing a report."""
    grams = [g for run in CJK_RUN.findall(text) for g in cjk_grams(run)]
    rest = [w for piece in CJK_RUN.split(text) if WORD.search(piece) for w in piece_words(piece)]
    return " ".join(grams + rest)


@lru_cache(maxsize=1 << 16)
def piece_words(piece: str) -> tuple[str, ...]:
    """`words` of a piece between CJK runs, remembered: the same numbers, dates and
    punctuation come back in every report."""
    return tuple(words(piece))


@dataclass(frozen=True)
class Phrase:
    """Index tokens that must occur in this order, next to each other (a CJK run's bigrams),
    or one token; `prefix`: the single token is a prefix (a 1-character query)."""

    text: str                  # the query text this phrase stands for
    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class QueryTerms:
    """A query as index phrases: all of `required` must match; `boost` ranks exact wording up."""

    parts: tuple[str, ...]          # the query's own space-separated parts
    required: tuple[Phrase, ...]
    boost: tuple[Phrase, ...]


EXACT_MAX_CHARS = 4  # CJK runs up to this long are matched verbatim; longer ones word by word


def cjk_phrase(run: str) -> Phrase:
    """A CJK run as a phrase: itself as a prefix (1 char) or its bigrams in order.

    Within the index, bigrams of one run are consecutive, so the phrase matches exactly
    where the run occurs verbatim."""
    if len(run) == 1:
        return Phrase(run, (run,), prefix=True)
    return Phrase(run, tuple(cjk_grams(run)[:-1]))


def piece_phrases(piece: str) -> tuple[list[Phrase], list[Phrase]]:
    """(required, boost) phrases for one CJK run or non-CJK piece of a query."""
    if not CJK_RUN.fullmatch(piece):
        return [Phrase(w, (w,)) for w in words(piece)], []
    if len(piece) <= EXACT_MAX_CHARS:
        return [cjk_phrase(piece)], []
    segmented = [w for w in tokenizer().cut(piece) if CJK_RUN.fullmatch(w)]
    specific = [w for w in segmented if len(w) > 1] or segmented  # 1-char words match too much
    return [cjk_phrase(w) for w in specific], [cjk_phrase(piece)]


def query_terms(query: str) -> QueryTerms:
    """Given a user query, return the phrases to look up, segmented as the index was."""
    parts = tuple(p for p in query.split() if p)
    required: list[Phrase] = []
    boost: list[Phrase] = []
    for part in parts:
        for piece in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", part):
            if piece:
                must, better = piece_phrases(piece)
                required += must
                boost += better
    return QueryTerms(parts, tuple(dict.fromkeys(required)), tuple(dict.fromkeys(boost)))
