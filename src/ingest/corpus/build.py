"""Given a report spec and its rendered bytes, return the gold record a perfect parser returns."""
from __future__ import annotations

import hashlib

from .. import checks
from ..record import Check, Meta, Record, Section, Source, Statement, Tables
from .model import ReportSpec


def sections(spec: ReportSpec) -> list[Section]:
    """Preamble (title + lead) then each section's heading as printed and its paragraph text."""
    out = [Section(id="preamble", heading=None, text="\n".join([spec.title, *spec.lead]))]
    out += [Section(id=s.id, heading="".join(s.heading.split()), text=s.text()) for s in spec.sections]
    return out


def gold_checks(spec: ReportSpec) -> list[Check]:
    if spec.template == "legacy":
        return []
    return checks.run(Tables(**spec.tables))


def gold_record(spec: ReportSpec, data: bytes, uri: str, media_type: str, pages: int | None = None) -> Record:
    return Record(
        source=Source(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=media_type, pages=pages),
        meta=Meta(title=spec.clean_title, agency=spec.agency, year=spec.year, report_date=spec.report_date,
                  template=spec.template),
        sections=sections(spec),
        tables=Tables(**spec.tables),
        statements=[Statement(**s) for s in spec.statements],
        checks=gold_checks(spec),
        cell_text=spec.cell_text,
    )
