"""The screen stage: look-alikes are refused with a reason, a doubtful real report is parsed
with warnings (never dropped)."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ingest.cli.main import app
from ingest.errors import NotAReport
from ingest.pipeline import parse_bytes
from reports import as_docx, as_html, as_text, report_lines

BLANK_TEMPLATE = [
    "政府信息公开工作年度报告格式模板",
    "一、总体情况", "（文字描述）",
    "二、主动公开政府信息情况",
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "", "", ""], ["行政规范性文件", "", "", ""],
    "三、收到和处理政府信息公开申请情况",
    ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
    ["一、本年新收政府信息公开申请数量", "", "", "", "", "", "", ""],
    ["（七）总计", "", "", "", "", "", "", ""],
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况", "（文字描述）",
    "六、其他需要报告的事项", "（文字描述）",
]

LETTER = [
    "关于2022年政府信息公开工作要点落实情况的函",
    "市政府办公室：",
    "现将我局2022年政府信息公开工作要点落实情况报告如下。",
    "一、2022年政府信息公开工作情况",
    "我局认真落实工作要点，主动公开各类信息120条。",
    "二、存在问题及下一步工作计划",
    "一是公开内容不够全面。二是将加强业务培训。",
    "青禾县市场监督管理局",
    "2022年12月5日",
]


def _reason(data: bytes, name: str) -> str:
    with pytest.raises(NotAReport) as exc:
        parse_bytes(data, name)
    return str(exc.value)


def test_a_letter_about_the_work_plan_is_refused():
    assert "工作要点" in _reason(as_text(LETTER).encode(), "letter.txt")


def test_a_picture_summary_page_is_refused():
    lines = ["一图读懂《青禾县2023年政府信息公开工作年度报告》", "一、总体情况", "图片。"]
    assert "一图读懂" in _reason(as_text(lines).encode(), "yitu.txt")


def test_a_blank_template_is_refused_even_with_every_heading_and_table():
    assert "blank report template" in _reason(as_docx(BLANK_TEMPLATE), "template.docx")


def test_a_comparison_of_two_reports_is_refused():
    lines = report_lines()
    lines[0] = "青禾县市场监督管理局2022年与2023年政府信息公开工作年度报告比对报告"
    lines.insert(1, "文字重复率：62%　表格重复率：40%")
    assert "comparison" in _reason(as_text(lines).encode(), "compare.txt")


def test_a_report_without_a_title_is_parsed_with_a_warning():
    lines = report_lines()[1:]  # the title is missing: only the body was published
    record = parse_bytes(as_html(lines), "article.html").to_json_dict()
    assert record["tables"]["requests"]["new_received"]["total"] == 5
    assert any("title" in w for w in record["warnings"])


def test_a_sure_report_carries_no_warnings():
    record = parse_bytes(as_text(report_lines()).encode(), "report.txt").to_json_dict()
    assert "warnings" not in record


def test_the_cli_prints_warnings_on_stderr_and_in_the_record(tmp_path):
    path = tmp_path / "body.txt"
    path.write_text(as_text(report_lines()[1:]), encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(path), "--json"])
    assert result.exit_code == 0
    assert "warning:" in result.stderr
    assert json.loads(result.stdout)["warnings"]
