"""PDFs as an office suite exports them: generated DOCX reports turned into PDF by LibreOffice
(narrow columns, tall wrapped rows, tables broken across pages in the middle of a label),
read back and scored against the DOCX's gold records."""
from __future__ import annotations

import subprocess

import pytest

from ingest.corpus import generate
from ingest.evaluate import score_records
from ingest.ingest import parse_document
from ingest.readers.office import soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (scripts/system-deps.sh)")


def test_libreoffice_pdfs_of_generated_reports_read_exactly(tmp_path):
    # seed 777's first reports break the requests table inside labels and in rows of blanks
    docs = list(generate(6, seed=777, formats=("docx",)))
    for doc in docs:
        (tmp_path / doc.filename).write_bytes(doc.data)
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *(str(tmp_path / d.filename) for d in docs)],
                   check=True, capture_output=True, timeout=300)
    preds = []
    for doc in docs:
        parsed = parse_document(doc.name + ".pdf", path=str(tmp_path / "pdf" / (doc.name + ".pdf")))
        assert parsed.status == "ok", parsed.reason
        preds.append(parsed.record.to_json_dict())
    scores = score_records([d.record.to_json_dict() for d in docs], preds)
    for field in ("agency", "year", "title", "report_date", "section_sentences", "table_cells", "checks"):
        assert scores[field] == 1.0, (field, scores[field])
