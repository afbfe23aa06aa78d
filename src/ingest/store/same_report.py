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


def stored_copy(session: Session, record: Record, exclude: int | None) -> Document | None:
    """The `ok` document already holding the report `record` is, from the same host, if any."""
    meta, here = record.meta, host(record.source.uri)
    if not (here and meta.agency and meta.year):
        return None
    query = select(Document.id, Document.uri).where(
        Document.status == "ok", Document.agency == meta.agency,
        Document.year == meta.year).order_by(Document.id)
    if exclude is not None:
        query = query.where(Document.id != exclude)
    found = next((row.id for row in session.execute(query) if host(row.uri) == here), None)
    return None if found is None else session.get(Document, found)


def reason(doc: Document) -> str:
    return f"same report as {doc.uri} ({doc.agency} {doc.year})"
