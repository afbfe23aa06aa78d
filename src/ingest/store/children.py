"""The rows a stored record becomes, written for a whole batch of documents at once.

Given the documents of one save batch with their records, `ChildRows` collects their
sources, sections, table cells, checks, statements with their themes and search units, and writes
each kind in one executemany at the end of the batch (Core inserts: no ORM bookkeeping
per row), instead of a round trip per kind per document.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from ..record import Record
from ..search.index import section_units, write_units
from ..verdicts import compared_values, fingerprint
from .bulk import insert_many, insert_rows
from .models import (CheckRow, DocumentSource, SectionRow, StatementRow, StatementTheme,
                     TableCell)


class ChildRows:
    """Rows of the documents saved in one transaction, waiting to be written together. They
    are kept by Document (not id): a document new in this batch gets its id when the batch's
    documents are flushed together, just before `write`."""

    def __init__(self) -> None:
        self.records: dict[int, tuple[object, Record]] = {}  # id(doc) -> (doc, its record)
        self.segments: dict[str, str] = {}  # text -> its segmented copy, where the parser made it
        self.sources: dict[tuple[int, str], tuple[object, str]] = {}  # where documents were found

    def add(self, doc, record: Record, segments: dict[str, str] | None = None) -> None:
        """Queue the rows of one document's record (`doc`: its Document; its checks'
        fingerprints are taken when written, after the batch's agency keys are resolved;
        `segments`: its search texts already segmented, search.index.record_segments)."""
        self.records[id(doc)] = (doc, record)
        self.segments.update(segments or {})

    def add_source(self, doc, uri: str) -> None:
        self.sources.setdefault((id(doc), uri), (doc, uri))

    def drop(self, doc) -> None:
        """Forget the queued rows of a document (it became a duplicate in this batch); where
        it was found is kept."""
        self.records.pop(id(doc), None)

    def write(self, session: Session) -> None:
        """Insert everything queued, one statement per table, and forget it."""
        connection = session.connection()
        sections, cells, checks, statements, units = [], [], [], [], []
        for doc, record in self.records.values():
            document_id = doc.id
            sections += [{"document_id": document_id, "position": i, "section_id": s.id,
                          "heading": s.heading, "text": s.text}
                         for i, s in enumerate(record.sections)]
            cells += [{"document_id": document_id, "table_name": t, "row_key": r, "col_key": c,
                       "value": v, "printed": record.cell_text.get(t, {}).get(r, {}).get(c)}
                      for t, r, c, v in _cells(record)]
            checks += [{"document_id": document_id, "rule": c.rule, "ok": c.ok, "detail": c.detail,
                        "evidence": c.evidence, "scope": "report",
                        "fingerprint": fingerprint(c.rule, doc.agency_key, doc.year,
                                                   compared_values(c.detail, c.evidence))}
                       for c in record.checks]
            statements += [{"document_id": document_id, "position": i, "section": st.section,
                            "type": st.type, "text": st.text, "_themes": st.themes}
                           for i, st in enumerate(record.statements)]
            units += section_units(document_id, [(s.id, s.text) for s in record.sections])
        sources = [{"document_id": doc.id, "uri": uri} for doc, uri in self.sources.values()]
        for model, rows in ((DocumentSource, sources), (SectionRow, sections),
                            (TableCell, cells), (CheckRow, checks)):
            if rows:
                insert_many(connection, model.__table__, rows)
        if statements:
            ids = insert_rows(connection, StatementRow.__table__, [
                {k: v for k, v in row.items() if k != "_themes"} for row in statements])
            themes = [{"statement_id": sid, "theme": theme}
                      for sid, row in zip(ids, statements)
                      for theme in dict.fromkeys(row["_themes"])]
            if themes:
                insert_many(connection, StatementTheme.__table__, themes)
            units += [{"document_id": row["document_id"], "kind": "statement",
                       "section": row["section"], "type": row["type"], "statement_id": sid,
                       "text": row["text"]} for sid, row in zip(ids, statements)]
        write_units(session, units, self.segments)
        self.__init__()


def _cells(record: Record) -> Iterator[tuple[str, str, str, float]]:
    for name, table in record.tables.model_dump().items():
        for row_key, columns in (table or {}).items():
            for col_key, value in columns.items():
                yield name, row_key, col_key, None if value is None else float(value)
