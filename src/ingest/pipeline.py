"""One document through every stage: bytes -> Record.

    extract (readers) -> sections -> tables -> meta -> screen (is it a report?)
        -> statements (+ themes) -> checks

Each stage is a plain function with a typed input and output; this module only chains
them and applies the per-document limits. Nothing here imports Prefect.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import checks, meta, readers, screen, sections, tables
from .errors import InvalidInput, LimitExceeded, NotAReport
from .record import Record, Source, Tables
from .settings import Settings, load_settings


def parse_bytes(data: bytes, uri: str, settings: Settings | None = None,
                media_type: str | None = None) -> Record:
    """Parse one document's bytes into a record, or raise an `IngestError` with a reason."""
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
    if verdict.reason:
        raise NotAReport(verdict.reason)
    record = Record(
        source=Source(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=media_type,
                      pages=layout.pages, ocr_pages=layout.ocr_pages),
        meta=report_meta,
        sections=doc.sections(),
        tables=canonical,
        cell_text=found.cell_text,
        warnings=verdict.warnings,
    )
    record.statements = _statements(record)
    record.checks = checks.run(record.tables)
    return record


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
