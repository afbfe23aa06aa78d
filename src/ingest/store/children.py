"""The rows a stored record becomes, written for a whole batch of documents at once.

Given the documents of one save batch with their records, `ChildRows` collects their
sources, sections, table cells, checks, statements with their themes and search units, and writes
each kind in one executemany at the end of the batch (Core inserts: no ORM bookkeeping
per row), instead of a round trip per kind per document.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..record import Record
from ..search.index import section_units, write_units
from ..verdicts import compared_values, fingerprint
from .models import (CheckRow, DocumentSource, SectionRow, StatementRow, StatementTheme,
                     TableCell)


class ChildRows:
    """Rows of the documents saved in one transaction, waiting to be written together."""

    def __init__(self) -> None:
        self.sections: list[dict] = []
        self.cells: list[dict] = []
        self.checks: list[dict] = []
        self.statements: list[dict] = []   # with "_themes" (written to statement_themes)
        self.units: list[dict] = []        # search units of sections
        self.docs: dict[int, object] = {}   # document id -> its Document
        self.sources: list[dict] = []       # where new documents were found (kept on drop)

    def add(self, doc, record: Record) -> None:
        """Queue the rows of one document's record (`doc`: its stored Document; its checks'
        fingerprints are taken when written, after the batch's agency keys are resolved)."""
        document_id = doc.id
        self.docs[document_id] = doc
        self.sections += [{"document_id": document_id, "position": i, "section_id": s.id,
                           "heading": s.heading, "text": s.text}
                          for i, s in enumerate(record.sections)]
        self.cells += [{"document_id": document_id, "table_name": t, "row_key": r, "col_key": c,
                        "value": v, "printed": record.cell_text.get(t, {}).get(r, {}).get(c)}
                       for t, r, c, v in _cells(record)]
        self.checks += [{"document_id": document_id, "rule": c.rule, "ok": c.ok,
                         "detail": c.detail, "evidence": c.evidence, "scope": "report"}
                        for c in record.checks]
        self.statements += [{"document_id": document_id, "position": i, "section": st.section,
                             "type": st.type, "text": st.text, "_themes": st.themes}
                            for i, st in enumerate(record.statements)]
        self.units += section_units(document_id, [(s.id, s.text) for s in record.sections])

    def drop(self, document_id: int) -> None:
        """Forget the queued rows of a document (it became a duplicate in this batch)."""
        for name in ("sections", "cells", "checks", "statements", "units"):
            setattr(self, name, [r for r in getattr(self, name) if r["document_id"] != document_id])
        self.docs.pop(document_id, None)

    def write(self, session: Session) -> None:
        """Insert everything queued, one statement per table, and forget it."""
        connection = session.connection()
        for row in self.checks:
            doc = self.docs[row["document_id"]]
            row["fingerprint"] = fingerprint(row["rule"], doc.agency_key, doc.year,
                                             compared_values(row["detail"], row["evidence"]))
        for model, rows in ((DocumentSource, self.sources), (SectionRow, self.sections),
                            (TableCell, self.cells), (CheckRow, self.checks)):
            if rows:
                connection.execute(insert(model.__table__), rows)
        units = list(self.units)
        if self.statements:
            table = StatementRow.__table__
            returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids = connection.execute(returning, [
                {k: v for k, v in row.items() if k != "_themes"}
                for row in self.statements]).scalars().all()
            themes = [{"statement_id": sid, "theme": theme}
                      for sid, row in zip(ids, self.statements)
                      for theme in dict.fromkeys(row["_themes"])]
            if themes:
                connection.execute(insert(StatementTheme.__table__), themes)
            units += [{"document_id": row["document_id"], "kind": "statement",
                       "section": row["section"], "type": row["type"], "statement_id": sid,
                       "text": row["text"]} for sid, row in zip(ids, self.statements)]
        write_units(session, units)
        self.__init__()


def _cells(record: Record) -> Iterator[tuple[str, str, str, float]]:
    for name, table in record.tables.model_dump().items():
        for row_key, columns in (table or {}).items():
            for col_key, value in columns.items():
                yield name, row_key, col_key, value
