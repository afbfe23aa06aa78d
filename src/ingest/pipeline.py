"""One document through every stage: bytes -> Record.

    extract (readers) -> sections -> tables -> meta -> screen (is it a report?)
        -> statements (+ themes) -> checks

Each stage is a plain function with a typed input and output; this module only chains
them and applies the per-document limits. `run_stages` stops after the screen (what
`ingest inspect` shows); `parse_bytes` goes on to the record. Nothing here imports Prefect.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import checks, meta, readers, screen, sections, tables
from .errors import InvalidInput, LimitExceeded, NotAReport
from .layout import Layout
from .record import Meta, Record, Source, Tables
from .settings import Settings, load_settings


@dataclass
class Stages:
    """What the stages up to the screen produced for one document."""

    data: bytes
    uri: str
    layout: Layout
    doc: sections.SectionedDoc
    found: tables.Found
    tables: Tables
    meta: Meta
    verdict: screen.Verdict

    @property
    def warnings(self) -> list[str]:
        """The screen's doubts, then labels the tables stage matched only by wording."""
        return self.verdict.warnings + [
            f"{m.table} {m.kind} label {m.label[:30]!r} taken as {m.key} by its wording "
            f"(similarity {m.score:.2f})" for m in self.found.poor_matches()]

    def record(self) -> Record:
        """The record: metadata, sections, tables, then statements and checks."""
        layout = self.layout
        record = Record(
            source=Source(uri=self.uri, sha256=hashlib.sha256(self.data).hexdigest(),
                          media_type=layout.media_type, pages=layout.pages, ocr_pages=layout.ocr_pages),
            meta=self.meta,
            sections=self.doc.sections(),
            tables=self.tables,
            cell_text=self.found.cell_text,
            warnings=self.warnings,
        )
        record.statements = _statements(record)
        record.checks = checks.run(record.tables, record.sections, record.meta.year,
                                   record.meta.agency)
        return record


def run_stages(data: bytes, uri: str, settings: Settings | None = None,
               media_type: str | None = None) -> Stages:
    """Read, section, map the tables, read the metadata and screen one document; raise an
    `IngestError` with a reason for input that cannot be read."""
    settings = settings or load_settings()
    if not data:
        raise InvalidInput("empty file")
    if len(data) > settings.limits.max_bytes:
        raise LimitExceeded(f"{len(data)} bytes is over the limit of {settings.limits.max_bytes}")
    if media_type is None:
        media_type = readers.sniff(data, uri)
        readers.check_declared(media_type, uri)
    layout = readers.read(data, media_type, settings)
    doc = sections.split(layout)
    found = tables.extract(doc.tables())
    canonical = Tables(proactive=found.proactive, requests=found.requests,
                       review_litigation=found.review_litigation)
    report_meta = meta.extract(doc, template=found.template)
    verdict = screen.screen(doc, canonical.model_dump(), report_meta)
    return Stages(data, uri, layout, doc, found, canonical, report_meta, verdict)


def parse_bytes(data: bytes, uri: str, settings: Settings | None = None,
                media_type: str | None = None) -> Record:
    """Parse one document's bytes into a record, or raise an `IngestError` with a reason."""
    stages = run_stages(data, uri, settings, media_type)
    if stages.verdict.reason:
        raise NotAReport(stages.verdict.reason)
    return stages.record()


def _statements(record: Record):
    from .statements import extract_statements  # loads the trained model once per process

    return extract_statements(record.sections)


def parse_file(path: str | Path, settings: Settings | None = None) -> Record:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_bytes(data, uri=path.name, settings=settings)
