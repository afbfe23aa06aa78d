"""One report, several files: the same agency's report for the same year on one portal.

Portals often publish a report twice: as the text of an article page and as its PDF (or
DOCX) attachment, or once more after a fix. Counting both would count the report twice in
every analysis, so only one copy stays `ok`; the other is stored as a `duplicate` naming it.
The copy kept is the one with more of the report's numbers and statements (a PDF whose
tables parsed beats an article page that only quotes them); on a tie, the one stored first.

Only URLs on the same host are compared: two portals may well hold two agencies with the
same short name, and a local file has no host to compare.
"""
from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..record import Record
from .models import Document


def host(uri: str) -> str | None:
    try:
        return urlsplit(uri).hostname if "://" in uri else None
    except ValueError:
        return None


def completeness(record: dict | Record) -> int:
    """How much of the report a record holds: its table values plus its statements."""
    data = record.to_json_dict() if isinstance(record, Record) else record
    tables = data.get("tables") or {}
    values = sum(1 for table in tables.values() if isinstance(table, dict)
                 for row in table.values() if isinstance(row, dict)
                 for value in row.values() if value is not None)
    return values + len(data.get("statements") or [])


def _key(record: Record) -> tuple[str, int, str] | None:
    meta, here = record.meta, host(record.source.uri)
    return (meta.agency, meta.year, here) if here and meta.agency and meta.year else None


class Copies:
    """The `ok` reports a save batch may be a second copy of: the stored ones of the batch's
    (agency, year) pairs, read in one query, and the batch's own as they are written. Each
    entry is a stored document's id or a Document new in this batch (no id yet)."""

    def __init__(self, session: Session, records: list[Record]):
        self.session = session
        self._by_key: dict[tuple, list] = defaultdict(list)
        pairs = {key[:2] for key in map(_key, records) if key}
        agencies = sorted({agency for agency, _year in pairs})
        years = sorted({year for _agency, year in pairs})
        for start in range(0, len(agencies), 200):  # through the (agency, year) index
            query = select(Document.id, Document.uri, Document.agency, Document.year,
                           Document.status).where(Document.agency.in_(agencies[start:start + 200]),
                                                  Document.year.in_(years))
            for row in self.session.execute(query.order_by(Document.id)):
                if row.status == "ok" and (row.agency, row.year) in pairs and host(row.uri):
                    self._by_key[(row.agency, row.year, host(row.uri))].append(row.id)

    def find(self, record: Record, doc: Document | None) -> Document | None:
        """The first `ok` copy of the report `record` other than `doc` itself, if any."""
        key = _key(record)
        for entry in self._by_key.get(key, ()) if key else ():
            if entry is doc or (doc is not None and entry == doc.id):
                continue
            return entry if isinstance(entry, Document) else self.session.get(Document, entry)
        return None

    def forget(self, doc: Document) -> None:
        """`doc` is no longer an `ok` copy (it is being rewritten or became a duplicate); it
        can only be listed under its own agency, year and host."""
        entries = self._by_key.get((doc.agency, doc.year, host(doc.uri or "")))
        if entries:
            entries[:] = [e for e in entries if e is not doc and (doc.id is None or e != doc.id)]

    def add(self, doc: Document, record: Record) -> None:
        """`doc` now holds the report `record` as its `ok` copy."""
        key = _key(record)
        if key:
            self._by_key[key].append(doc)


def reason(doc: Document) -> str:
    return f"same report as {doc.uri} ({doc.agency} {doc.year})"
