"""`ingest parse` as users run it: records out, one-line reasons and exit codes for bad input."""
import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest

from reports import as_docx, as_html, as_text, report_lines

SCHEMA = json.loads((Path(__file__).parents[1] / "src/ingest/data/record.schema.json").read_text())
INGEST = [sys.executable, "-m", "ingest.cli.main"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*INGEST, *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def _encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.drawString(72, 720, "annual report")
    c.save()
    return buf.getvalue()


def _pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buf = BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "hello")
    c.save()
    return buf.getvalue()


BROKEN = {
    "empty.pdf": b"",
    "truncated.pdf": _pdf_bytes()[:300],
    "random.pdf": os.urandom(4096),
    "page.pdf": b"<html><body><h1>404 Not Found</h1></body></html>",
    "locked.pdf": _encrypted_pdf(),
    "corrupt.docx": as_docx(report_lines())[:2000],
}


def test_json_record_validates_against_the_contract(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text(as_text(report_lines()), encoding="utf-8")
    proc = run("parse", f, "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    jsonschema.validate(record, SCHEMA)
    assert record["meta"]["agency"] == "青禾县市场监督管理局"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_exit_2_with_one_line(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(BROKEN[name])
    proc = run("parse", f, "--json")
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and name in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_not_a_report_exits_3(tmp_path):
    f = tmp_path / "jiedu.html"
    f.write_bytes(("<html><head><title>图文解读：青禾县2023年政府信息公开工作年度报告</title></head><body>"
                   "<h1>图文解读：青禾县2023年政府信息公开工作年度报告</h1><p>一图读懂。</p></body></html>").encode())
    proc = run("parse", f, "--json")
    assert proc.returncode == 3 and "not an annual report" in proc.stderr


def test_batch_lists_failures_and_parses_the_rest(tmp_path):
    docs = tmp_path / "in"
    docs.mkdir()
    (docs / "a.txt").write_text(as_text(report_lines("青禾县水利局", 2022)), encoding="utf-8")
    (docs / "b.html").write_bytes(as_html(report_lines("青禾县教育局", 2021), "gbk"))
    (docs / "c.docx").write_bytes(as_docx(report_lines("青禾县财政局", 2024)))
    (docs / "d.pdf").write_bytes(b"")
    out = tmp_path / "out"
    proc = run("parse", docs, "--out", out, "--jobs", "2")
    assert proc.returncode == 2
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json", "c.json"]
    assert "d.pdf: empty file" in proc.stderr and "parsed 3 of 4" in proc.stderr
    agencies = {json.loads(p.read_text())["meta"]["agency"] for p in out.iterdir()}
    assert agencies == {"青禾县水利局", "青禾县教育局", "青禾县财政局"}
