"""`ingest parse` of one file stays light: no Prefect or Dask, and a text or HTML report
pulls in no PDF or OCR library (checked in a fresh interpreter, via sys.modules). Nor does it
import what only slows its cold start: spaCy's command line (requests, weasel), pkg_resources
(via jieba) or Rich (issue #8)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from portal_server import report_html, report_text

PROBE = """
import contextlib, io, json, sys
from ingest.cli.main import app
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        app(["parse", sys.argv[1], "--json"], standalone_mode=False)
    except SystemExit:
        pass
heavy = {"prefect", "dask", "distributed", "pdfplumber", "pdfminer", "onnxruntime",
         "rapidocr_onnxruntime", "pypdfium2"}
slow_start = {"spacy.cli", "pkg_resources", "rich", "requests", "weasel"}
print(json.dumps({"record": json.loads(out.getvalue()),
                  "imported": sorted({m.split(".")[0] for m in sys.modules} & heavy),
                  "slow_start": sorted(set(sys.modules) & slow_start)}))
"""


def probe(path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["report.txt", "report.html"])
def test_parse_of_one_file_imports_no_prefect_dask_pdf_or_ocr(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text(report_text("柳营县林业局"), encoding="utf-8")
    else:
        path.write_bytes(report_html("柳营县林业局"))
    result = probe(path)
    assert result["record"]["meta"]["agency"] == "柳营县林业局"
    assert result["imported"] == []
    assert result["slow_start"] == []
