"""Ranked search over sections and statements: given a store and a query, return hits.

The query is segmented like the index (see `segment.query_terms`); SQLite ranks with FTS5's
bm25(), PostgreSQL with ts_rank_cd() over the tsvector. Units whose original text contains
the query itself come first, so the top hit contains what was typed whenever any unit does.
Snippets are cut from, and highlight, the original text.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import Integer, Select, and_, column, func, literal_column, select, table, text

from ..errors import InvalidInput
from ..store.models import Document, SearchDoc, StatementTheme
from .segment import QueryTerms, query_terms

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
SEARCH_FTS = table("search_fts", column("rowid"), column("seg"))


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    agency: str | None = None
    section: str | None = None
    type: str | None = None
    theme: str | None = None
    kind: str | None = None  # "section" or "statement"


@dataclass
class Hit:
    text: str
    snippet: str
    score: float
    kind: str
    section: str
    type: str | None
    agency: str | None
    year: int | None
    title: str | None
    url: str
    document_id: int

    def to_dict(self) -> dict:
        return asdict(self)


def fts5_match(terms: QueryTerms) -> str:
    """The FTS5 MATCH expression: every required term, OR-ed with jieba's whole words."""
    required = " AND ".join(f'"{t.text}"' + ("*" if t.prefix else "") for t in terms.required)
    if not terms.boost:
        return required
    return f"({required}) OR " + " OR ".join(f'"{w}"' for w in terms.boost)


def tsquery(terms: QueryTerms) -> str:
    """The same expression as a PostgreSQL tsquery string."""
    required = " & ".join(f"'{t.text}'" + (":*" if t.prefix else "") for t in terms.required)
    if not terms.boost:
        return required
    return f"({required}) | " + " | ".join(f"'{w}'" for w in terms.boost)


def search(store, query: str, filters: Filters = Filters(), limit: int = 20) -> list[Hit]:
    """The best `limit` sections and statements for `query`, best first."""
    terms = query_terms(query)
    if not terms.required:
        raise InvalidInput(f"nothing to search for in {query!r}")
    stmt = _ranked(store.dialect, terms)
    stmt = _filtered(stmt, filters).limit(limit)
    with store.session() as session:
        rows = session.execute(stmt).all()
    return [_hit(row, terms) for row in rows]


def _ranked(dialect: str, terms: QueryTerms) -> Select:
    position = func.instr if dialect == "sqlite" else func.strpos
    exact = sum((position(SearchDoc.text, p) > 0).cast(Integer) for p in terms.parts)
    if dialect == "sqlite":
        score = -literal_column("bm25(search_fts)")
        source = SEARCH_FTS.join(SearchDoc, SearchDoc.id == SEARCH_FTS.c.rowid)
        match = text("search_fts MATCH :match").bindparams(match=fts5_match(terms))
    else:
        query = func.to_tsquery("simple", tsquery(terms))
        tsv = literal_column("search_docs.tsv")
        score = func.ts_rank_cd(tsv, query, 1)  # 1: divided by 1 + log(length), like bm25
        source = SearchDoc.__table__
        match = tsv.op("@@")(query)
    columns = (SearchDoc.text, score.label("score"), SearchDoc.kind, SearchDoc.section,
               SearchDoc.type, Document.agency, Document.year, Document.title, Document.uri,
               Document.id)
    return (select(*columns).select_from(source.join(Document, Document.id == SearchDoc.document_id))
            .where(match).order_by(exact.desc(), literal_column("score").desc(), SearchDoc.id))


def _filtered(stmt: Select, filters: Filters) -> Select:
    conditions = []
    if filters.year is not None:
        conditions.append(Document.year == filters.year)
    if filters.agency:
        conditions.append(Document.agency.contains(filters.agency, autoescape=True))
    if filters.section:
        conditions.append(SearchDoc.section == filters.section)
    if filters.type:
        conditions.append(SearchDoc.type == filters.type)
    if filters.kind:
        conditions.append(SearchDoc.kind == filters.kind)
    if filters.theme:
        themed = select(StatementTheme.statement_id).where(StatementTheme.theme == filters.theme)
        conditions.append(SearchDoc.statement_id.in_(themed))
    return stmt.where(and_(*conditions)) if conditions else stmt


def _hit(row, terms: QueryTerms) -> Hit:
    return Hit(text=row.text, snippet=snippet(row.text, terms), score=round(float(row.score), 6),
               kind=row.kind, section=row.section, type=row.type, agency=row.agency,
               year=row.year, title=row.title, url=row.uri, document_id=row.id)


def match_spans(original: str, terms: QueryTerms) -> list[tuple[int, int]]:
    """Where the query occurs in `original`: its parts if present, else its terms."""
    for needles in (terms.parts, tuple(t.text for t in terms.required)):
        pattern = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True) if n)
        spans = [m.span() for m in re.finditer(pattern, original, re.IGNORECASE)] if pattern else []
        if spans:
            return _merged(spans)
    return []


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching or overlapping spans as one."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def snippet(original: str, terms: QueryTerms, width: int = 80,
            mark: tuple[str, str] = (MARK_OPEN, MARK_CLOSE)) -> str:
    """About `width` characters of `original` around the first match, matches marked."""
    spans = match_spans(original, terms)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 3, len(original) - width))
    end = min(len(original), start + width)
    out, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, cursor), min(e, end)
        out += [original[cursor:s], mark[0], original[s:e], mark[1]]
        cursor = e
    out.append(original[cursor:end])
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(original) else "")


__all__ = ["Filters", "Hit", "search", "snippet"]
