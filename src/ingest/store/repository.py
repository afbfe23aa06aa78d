"""The store's API: save parsed documents, read records back, keep crawl state.

`Store.save_document` writes one document and all its rows in one transaction and keeps the
search index in step; the same bytes parsed by the same parser version again are a no-op.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import Engine, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from .. import agencies, series
from ..record import Record
from ..search.index import unindex_document
from . import same_report
from .children import ChildRows
from .db import WRITE_OPTION
from .ids import reserve_ids
from .models import (DOCUMENT_STATUSES, CheckRow, Document, DocumentSource, SectionRow,
                     StatementRow, StatementTheme, TableCell, Url, utcnow)

PARSED_STATUSES = ("ok", "not_report", "duplicate")  # a duplicate: these bytes, or this report, are in
DOCUMENT_COLUMNS = ("id", "uri", "sha256", "media_type", "status", "reason", "parser_version",
                    "title", "agency", "agency_key", "level", "year", "template", "report_date",
                    "created_at", "updated_at")
URL_COLUMNS = tuple(c.name for c in Url.__table__.columns)
CHILD_TABLES = (CheckRow, TableCell, StatementRow, SectionRow)


class Saved(NamedTuple):
    id: int
    status: str
    reason: str | None


class Store:
    """A database of documents, records, crawl state and the search index."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self.dialect = engine.dialect.name
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.writer = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}),
                                   expire_on_commit=False)

    # ---- documents -------------------------------------------------------------------
    def is_parsed(self, sha256: str, parser_version: str) -> bool:
        """True when these bytes were already parsed (ok / not_report) by this parser version."""
        with self.session() as session:
            found = session.scalar(select(Document.id).where(
                Document.sha256 == sha256, Document.parser_version == parser_version,
                Document.status.in_(PARSED_STATUSES)))
        return found is not None

    def parsed_hashes(self, parser_version: str) -> set[str]:
        """The hashes of every document this parser version parsed (ok / not_report /
        duplicate) or failed on."""
        with self.session() as session:
            return set(session.scalars(select(Document.sha256).where(
                Document.parser_version == parser_version,
                Document.status.in_((*PARSED_STATUSES, "failed")))))

    def save_document(self, **fields) -> int:
        """Store one document with all its rows in one transaction; return its id."""
        return self.save(**fields).id

    def save(self, *, uri: str, sha256: str, media_type: str | None, status: str,
             reason: str | None, record: Record | None, parser_version: str,
             segments: dict[str, str] | None = None) -> Saved:
        """Store one document with all its rows in one transaction; return its id and the
        status and reason stored (a parsed report may go in as a duplicate: same_report).
        `segments`: the record's search texts already segmented (made where it was parsed)."""
        item = dict(uri=uri, sha256=sha256, media_type=media_type, status=status,
                    reason=reason, record=record, parser_version=parser_version,
                    segments=segments)
        try:
            return self._save_batch([item])[0]
        except IntegrityError:  # the same bytes were saved concurrently: now they exist
            return self._save_batch([item])[0]

    def save_many(self, items: list[dict]) -> list[Saved]:
        """Store many documents (each the keyword arguments of `save`) in one transaction,
        the series checks of the agencies touched refreshed once; return one Saved each.
        When the batch conflicts with a concurrent writer, each is saved on its own."""
        if not items:
            return []
        try:
            return self._save_batch(items)
        except IntegrityError:
            return [self.save(**item) for item in items]

    def _save_batch(self, items: list[dict]) -> list[Saved]:
        for item in items:
            if item["status"] not in DOCUMENT_STATUSES:
                raise ValueError(f"unknown document status {item['status']!r}")
        with self.writer.begin() as session:
            batch = _Batch(session, items)
            with session.no_autoflush:  # the batch's new documents are flushed together
                outcomes = [batch.save_one(**item) for item in items]
            batch.number_new_documents()
            session.flush()  # one INSERT for the new documents
            batch.finish()
            return [Saved(doc.id, status, reason) for doc, status, reason in outcomes]

    def records(self) -> Iterator[dict]:
        """Every stored record (the contract JSON) in document id order."""
        with self.session() as session:
            rows = session.execute(select(Document.record).where(Document.record.is_not(None))
                                   .order_by(Document.id).execution_options(yield_per=200))
            for (record,) in rows:
                yield record

    def documents(self, status: str | None = None) -> list[dict]:
        """Documents (without their record JSON), optionally only those with `status`."""
        query = select(*(getattr(Document, c) for c in DOCUMENT_COLUMNS)).order_by(Document.id)
        if status is not None:
            query = query.where(Document.status == status)
        with self.session() as session:
            return [dict(row._mapping) for row in session.execute(query)]

    def document_status(self, document_id: int) -> tuple[str, str | None]:
        """(status, reason) of a stored document."""
        with self.session() as session:
            row = session.execute(select(Document.status, Document.reason)
                                  .where(Document.id == document_id)).one()
        return row.status, row.reason

    def document_sources(self, document_id: int) -> list[str]:
        """Every URI the bytes of a document were seen at, first first."""
        with self.session() as session:
            return list(session.scalars(select(DocumentSource.uri)
                                        .where(DocumentSource.document_id == document_id)
                                        .order_by(DocumentSource.id)))

    # ---- crawl state -----------------------------------------------------------------
    def get_url(self, url: str) -> dict | None:
        return self.get_urls([url]).get(url)

    def get_urls(self, urls: list[str]) -> dict[str, dict]:
        """The stored rows of those of `urls` that have one, by URL."""
        found: dict[str, dict] = {}
        table = Url.__table__
        with self.engine.connect() as connection:  # plain rows: no ORM objects to build
            for start in range(0, len(urls), 500):
                for row in connection.execute(select(table).where(
                        table.c.url.in_(urls[start:start + 500]))):
                    found[row.url] = dict(row._mapping)
        return found

    def has_urls_outside(self, sources: list[str]) -> bool:
        """True when a stored URL belongs to none of `sources` (or to no source)."""
        with self.session() as session:
            return session.scalar(select(Url.id).where(or_(
                Url.source.is_(None), Url.source.not_in(sources))).limit(1)) is not None

    def upsert_url(self, url: str, **fields) -> None:
        """Insert the URL or update the given fields of it (unknown field names are an error)."""
        unknown = set(fields) - set(URL_COLUMNS) or ({"id", "url"} & set(fields))
        if unknown:
            raise ValueError(f"unknown url fields: {sorted(unknown)}")
        try:
            self._upsert_url(url, fields)
        except IntegrityError:  # inserted concurrently: update it
            self._upsert_url(url, fields)

    def _upsert_url(self, url: str, fields: dict) -> None:
        with self.writer.begin() as session:
            row = session.scalar(select(Url).where(Url.url == url).with_for_update())
            if row is None:
                session.add(Url(url=url, **fields))
            elif fields:
                session.execute(update(Url).where(Url.id == row.id).values(**fields))

    def queued_urls(self, source: str | None = None, limit: int | None = None) -> list[dict]:
        """URLs waiting to be fetched, shallowest first, then in discovery order."""
        query = select(Url).where(Url.status == "queued").order_by(Url.depth, Url.id)
        if source is not None:
            query = query.where(Url.source == source)
        if limit is not None:
            query = query.limit(limit)
        with self.session() as session:
            return [_url_dict(row) for row in session.scalars(query)]

    def urls(self, status: str | None = None) -> list[dict]:
        query = select(Url).order_by(Url.id)
        if status is not None:
            query = query.where(Url.status == status)
        with self.session() as session:
            return [_url_dict(row) for row in session.scalars(query)]

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _by_hash(session: Session, hashes: list[str]) -> dict[str, Document]:
    """The stored documents with these hashes, locked for this transaction."""
    found: dict[str, Document] = {}
    for start in range(0, len(hashes), 500):
        for doc in session.scalars(select(Document).where(
                Document.sha256.in_(hashes[start:start + 500])).with_for_update()):
            found[doc.sha256] = doc
    return found


class _Batch:
    """One save transaction: the stored documents of the batch's hashes (locked), the copies
    of its reports (same_report), the rows to write and the series to refresh."""

    def __init__(self, session: Session, items: list[dict]):
        self.session = session
        self.found = _by_hash(session, [item["sha256"] for item in items])
        self.copies = same_report.Copies(session, [item["record"] for item in items
                                                   if item["status"] == "ok" and item["record"]])
        self.touched: dict[str, set | None] = {}  # agency key -> years to refresh (None: all)
        self.rows = ChildRows()
        self.written: list[Document] = []  # documents with a record (agency keys resolved)

    def save_one(self, *, uri, sha256, media_type, status, reason, record, parser_version,
                 segments=None) -> tuple[Document, str, str | None]:
        """Write one document (no flush) and queue its rows; return (doc, status, reason)."""
        doc = self.found.get(sha256)
        if doc is not None and (status == "duplicate" or _unchanged(doc, parser_version)):
            self._add_source(doc, uri)
            return doc, doc.status, doc.reason
        new = doc is None
        if not new:
            self._delete_children(doc)
            if doc.year is not None:
                _touch(self.touched, doc.agency_key, {doc.year})
        if status == "ok" and record is not None:
            status, reason, record = self._one_copy_per_report(doc, record)
        if new:
            doc = self.found[sha256] = Document(sha256=sha256)
            self.session.add(doc)
        _fill_document(doc, uri=uri, media_type=media_type, status=status, reason=reason,
                       record=record, parser_version=parser_version)
        self._add_source(doc, uri)
        if record is not None:
            self.written.append(doc)
            self.rows.add(doc, record, segments)
            self.copies.add(doc, record)
        return doc, status, reason

    def number_new_documents(self) -> None:
        """Give the batch's new documents their ids (store/ids.py), so that the flush inserts
        them together."""
        new = [obj for obj in self.session.new if isinstance(obj, Document)]
        for doc, i in zip(new, reserve_ids(self.session.connection(), Document.__table__,
                                           len(new)) or ()):
            doc.id = i

    def finish(self) -> None:
        """After the flush: agency keys, the queued rows, the series touched."""
        for key in _resolve_keys(self.session, self.written):  # every pair of an agency rekeyed
            _touch(self.touched, key, None)
        for doc in self.written:
            if doc.year is not None:  # a report without a year is in no series
                _touch(self.touched, doc.agency_key, {doc.year})
        self.rows.write(self.session)
        series.refresh_many(self.session, self.touched)

    def _one_copy_per_report(self, doc: Document | None, record: Record):
        """(status, reason, record) to store for a parsed report: `ok`, or `duplicate` when
        the same report is already stored from this portal with at least as much in it (a
        stored copy with less in it becomes the duplicate instead; see `same_report`)."""
        other = self.copies.find(record, doc)
        if other is None:
            return "ok", None, record
        if same_report.completeness(record) <= same_report.completeness(other.record or {}):
            return "duplicate", same_report.reason(other), None
        self._delete_children(other)
        other.status, other.record = "duplicate", None
        other.reason = f"same report as {record.source.uri} ({record.meta.agency} {record.meta.year})"
        other.updated_at = utcnow()
        return "ok", None, record

    def _delete_children(self, doc: Document) -> None:
        """Forget a document's rows: queued in this batch, and stored (when it is stored)."""
        self.rows.drop(doc)
        self.copies.forget(doc)
        if doc.id is not None:
            _delete_children(self.session, doc.id)

    def _add_source(self, doc: Document, uri: str) -> None:
        if doc.id is None or self.session.scalar(select(DocumentSource.id).where(
                DocumentSource.document_id == doc.id, DocumentSource.uri == uri)) is None:
            self.rows.add_source(doc, uri)


def _touch(touched: dict, key: str | None, years: set | None) -> None:
    """Note that the series of `key` needs a refresh around `years` (None: every year)."""
    if not key or (key in touched and touched[key] is None):
        return
    touched[key] = None if years is None else touched.get(key, set()) | years


def _unchanged(doc: Document, parser_version: str) -> bool:
    return doc.parser_version == parser_version and doc.status in PARSED_STATUSES


def _delete_children(session: Session, document_id: int) -> None:
    """Delete a stored document's rows."""
    unindex_document(session, document_id)
    statement_ids = select(StatementRow.id).where(StatementRow.document_id == document_id)
    session.execute(delete(StatementTheme).where(StatementTheme.statement_id.in_(statement_ids)))
    for table in CHILD_TABLES:
        session.execute(delete(table).where(table.document_id == document_id))


def _fill_document(doc: Document, *, uri: str, media_type: str | None, status: str,
                   reason: str | None, record: Record | None, parser_version: str) -> None:
    meta = record.meta if record is not None else None
    doc.uri = record.source.uri if record is not None else uri
    doc.media_type = media_type or (record.source.media_type if record is not None else None)
    doc.status, doc.reason, doc.parser_version = status, reason, parser_version
    doc.title = meta.title if meta else None
    doc.agency = meta.agency if meta else None
    doc.agency_key = agencies.agency_key(doc.agency)
    doc.level = agencies.level(doc.agency) if doc.agency else None
    doc.year = meta.year if meta else None
    doc.template = meta.template if meta else None
    doc.report_date = meta.report_date if meta else None
    doc.record = record.to_json_dict() if record is not None else None
    doc.updated_at = utcnow()


def _resolve_keys(session: Session, docs: list[Document]) -> set[str]:
    """Re-key the stored documents that share a lowest place unit and organ with one of
    `docs` (a parent unit is added where two parents of it are stored), in one query per 50
    such units; return the keys that changed."""
    bases = sorted({agencies.parse(d.agency).base_key for d in docs if d.agency_key})
    if not bases:
        return set()
    stored: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(bases), 50):
        chunk = bases[start:start + 50]
        for row in session.execute(select(Document.id, Document.agency, Document.agency_key)
                                   .where(Document.agency.is_not(None),
                                          or_(Document.agency_key.in_(chunk),
                                              *(Document.agency_key.endswith(b, autoescape=True)
                                                for b in chunk)))):
            stored[row.id] = (row.agency, row.agency_key)
    wanted = set(bases)
    group = {i: v for i, v in stored.items() if agencies.parse(v[0]).base_key in wanted}
    keys = agencies.resolve_keys(agency for agency, _key in group.values())
    changed = {i: keys[agency] for i, (agency, key) in group.items() if key != keys[agency]}
    if not changed:
        return set()
    table = Document.__table__
    session.execute(update(table).where(table.c.id == bindparam("_id"))
                    .values(agency_key=bindparam("_key")),
                    [{"_id": i, "_key": k} for i, k in changed.items()])
    for obj in list(session.identity_map.values()):  # loaded copies see the new keys
        if isinstance(obj, Document) and obj.id in changed:
            set_committed_value(obj, "agency_key", changed[obj.id])
    return ({group[i][1] for i in changed} | set(changed.values())) - {None}


def _url_dict(row: Url) -> dict:
    return {c: getattr(row, c) for c in URL_COLUMNS}


