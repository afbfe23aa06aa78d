"""Reviewers' verdicts on failed checks, keyed by a fingerprint of what was compared.

`fingerprint(rule, agency_key, year, values)` hashes the rule, the agency key, the year and the
values compared (a check's evidence values, else its detail): a re-parse that finds the same
numbers gives the same fingerprint and keeps the verdict; a changed value gives a new one, so
the check is open again. `set_verdict` records confirm | dismiss with a note.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from .errors import InvalidInput
from .store.models import CheckRow, Document, Verdict, utcnow

VERDICTS = ("confirm", "dismiss")


def compared_values(detail: str | None, evidence: dict | None):
    """What a check compared, without the words around it (sentences, names, ids)."""
    if not evidence:
        return detail
    if "claims" in evidence:
        return sorted([c["claim"], c["stated"], [x["value"] for x in c["cells"]]]
                      for c in evidence["claims"] if c.get("ok") is not True)
    return {k: v for k, v in evidence.items() if k in ("values", "compared")}


def fingerprint(rule: str, agency_key: str | None, year: int | None, values) -> str:
    text = json.dumps([rule, agency_key, year, values], ensure_ascii=False, sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def set_verdict(store, check: str, verdict: str, note: str | None) -> dict:
    """Confirm or dismiss a check given its id (as `ingest checks` lists it) or fingerprint."""
    if verdict not in VERDICTS:
        raise InvalidInput(f"verdict must be confirm or dismiss, not {verdict!r}")
    with store.writer.begin() as session:
        query = select(CheckRow, Document).join(Document, Document.id == CheckRow.document_id)
        query = query.where(CheckRow.id == int(check)) if check.isdigit() else \
            query.where(CheckRow.fingerprint == check)
        found = session.execute(query.limit(1)).first()
        if found is None or not found[0].fingerprint:
            raise InvalidInput(f"no check {check}")
        row, doc = found
        existing = session.scalar(select(Verdict).where(Verdict.fingerprint == row.fingerprint))
        if existing is None:
            existing = Verdict(fingerprint=row.fingerprint)
            session.add(existing)
        existing.verdict, existing.note, existing.created_at = verdict, note, utcnow()
        existing.rule, existing.agency_key, existing.year = row.rule, doc.agency_key, doc.year
        return {"check": row.id, "fingerprint": row.fingerprint, "rule": row.rule,
                "agency_key": doc.agency_key, "year": doc.year, "verdict": verdict, "note": note}
