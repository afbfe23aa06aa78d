"""`ingest inspect`: every stage's decision is visible, for a report, a refusal and bad input."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from ingest.cli.main import app
from reports import as_docx, as_html, report_lines


def _inspect(path, *args):
    return CliRunner().invoke(app, ["inspect", str(path), *args])


def test_a_report_shows_blocks_headings_tables_and_label_mappings(tmp_path):
    lines = report_lines()
    granted = lines.index(["（一）予以公开", "3", "1", "0", "0", "0", "0", "4"])
    lines.insert(granted + 1, ["2.其他法律行政止公开", "0", "0", "0", "0", "0", "0", "0"])  # a typo
    path = tmp_path / "report.docx"
    path.write_bytes(as_docx(lines))
    result = _inspect(path, "--json")
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["media_type"].endswith("wordprocessingml.document") and view["blocks"]
    assert [h["section"] for h in view["headings"]] == [
        "overview", "proactive", "requests", "review_litigation", "problems", "other_matters"]
    first = view["headings"][0]["first_block"]
    assert view["blocks"][first]["kind"] in ("heading", "paragraph")
    assert {t["taken_as"] for t in view["tables"]} == {"proactive", "requests"}
    mapped = {m["key"]: m for m in view["mappings"]}
    assert mapped["new_received"]["how"] == "cue"
    assert mapped["denied.prohibited_by_law"]["how"] == "similar"
    assert 0.78 < mapped["denied.prohibited_by_law"]["score"] < 1
    assert any("by its wording" in w for w in view["warnings"])
    assert view["meta"]["agency"] == "青禾县市场监督管理局" and view["statements"]
    assert view["closing"] == ["青禾县市场监督管理局", "2024年1月15日"]  # the 落款, in no section


def test_a_refused_document_says_why_and_exits_3(tmp_path):
    path = tmp_path / "jiedu.html"
    path.write_bytes(as_html(["图文解读：青禾县2023年政府信息公开工作年度报告", "一图读懂年报。"]))
    result = _inspect(path, "--stage", "screen")
    assert result.exit_code == 3
    assert "verdict: not an annual report" in result.stdout and "解读" in result.stdout


def test_unreadable_input_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n garbage")
    result = _inspect(path)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "truncated PDF" in result.stderr


def test_an_unknown_stage_is_refused(tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(as_docx(report_lines()))
    result = _inspect(path, "--stage", "layuot")
    assert result.exit_code == 2 and "layuot" in result.output
