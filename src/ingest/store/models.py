"""The store's tables as SQLAlchemy 2 ORM classes.

One row in `documents` per distinct byte string (sha256); the URIs those bytes came from are
in `document_sources`. A document's parsed content (sections, table cells, statements with
their themes, checks) hangs off it and is replaced as a whole when a new parser version
re-parses it. `search_docs` holds the segmented copy of every section and statement that the
search index (FTS5 on SQLite, tsvector on PostgreSQL) is built over. `urls` is crawl state.
The schema itself is created by the Alembic migrations in `migrations/versions`.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DOCUMENT_STATUSES = ("ok", "failed", "skipped", "not_report", "duplicate")
URL_STATUSES = ("queued", "fetching", *DOCUMENT_STATUSES)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_agency_year", "agency", "year"),)  # migration 0006

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    parser_version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    agency: Mapped[str | None] = mapped_column(Text, index=True)
    # the agency across names (ingest.agencies; migration 0005): key and level
    agency_key: Mapped[str | None] = mapped_column(Text, index=True)
    level: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    template: Mapped[str | None] = mapped_column(String(10))
    report_date: Mapped[str | None] = mapped_column(String(10))
    record: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class DocumentSource(Base):
    __tablename__ = "document_sources"
    __table_args__ = (UniqueConstraint("document_id", "uri"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    uri: Mapped[str] = mapped_column(Text, index=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _child_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)


class SectionRow(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _child_fk()
    position: Mapped[int] = mapped_column(Integer)
    section_id: Mapped[str] = mapped_column(String(30))
    heading: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class TableCell(Base):
    __tablename__ = "table_cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _child_fk()
    table_name: Mapped[str] = mapped_column(String(30))
    row_key: Mapped[str] = mapped_column(String(60))
    col_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[float | None] = mapped_column(Float)
    printed: Mapped[str | None] = mapped_column(Text)


class StatementRow(Base):
    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _child_fk()
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(30))
    type: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(Text)


class StatementTheme(Base):
    __tablename__ = "statement_themes"

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class CheckRow(Base):
    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _child_fk()
    rule: Mapped[str] = mapped_column(String(40))
    ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None: uncertain
    detail: Mapped[str | None] = mapped_column(Text)
    # migration 0005: both sides' values or the sentence and cell; `series` for a cross-year
    # check (evaluated by ingest.series on the later report); the verdicts' key
    evidence: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    scope: Mapped[str] = mapped_column(String(10), default="report", server_default="report")
    fingerprint: Mapped[str | None] = mapped_column(String(32), index=True)


class Verdict(Base):
    """A reviewer's confirm/dismiss of a failed check, by the check's fingerprint (rule, agency
    key, year, values compared): a re-parse keeps it, a changed value re-opens the check."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(32), unique=True)
    verdict: Mapped[str] = mapped_column(String(10))  # confirm | dismiss
    note: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(40))
    agency_key: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchDoc(Base):
    """One searchable unit: a section body or a statement, with its segmented copy."""

    __tablename__ = "search_docs"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _child_fk()
    kind: Mapped[str] = mapped_column(String(10))  # section | statement
    section: Mapped[str] = mapped_column(String(30))
    type: Mapped[str | None] = mapped_column(String(20))  # statement type
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    seg: Mapped[str] = mapped_column(Text)


class Url(Base):
    __tablename__ = "urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    source: Mapped[str | None] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="unknown")
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))
    parent_url: Mapped[str | None] = mapped_column(Text)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_fetched: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_changed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the revisit policy and vanished links (migration 0004_crawl; see crawl/revisit.py)
    next_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    link_text: Mapped[str | None] = mapped_column(Text)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    missed_runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    gone_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CrawlRun(Base):
    """One run over one source: what it found, for layout-change alarms (migration 0004)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    report_links: Mapped[int] = mapped_column(Integer, default=0)
    listings_ok: Mapped[int] = mapped_column(Integer, default=0)
    listings_failed: Mapped[int] = mapped_column(Integer, default=0)
    alarm: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
