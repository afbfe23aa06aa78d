"""Analyst views and the HTML report over a small store (SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from ingest import analysis, series
from ingest.cli.main import app
from ingest.report_html import write_report

TIMELY = (("信息更新不及时", ("timeliness_update",)),)
TRAINING = (("培训不足", ("staff_capacity",)),)


@pytest.fixture
def filled(store, record_factory, save_record):
    reports = [("甲市石龙区科学技术局", 2022, TIMELY, 3, True),
               ("甲市石龙区教育局", 2022, TRAINING, 4, True),
               ("甲市石龙区科学技术局", 2023, TIMELY + TRAINING, 7, False),
               ("乙省人民政府办公厅", 2023, TRAINING, 10, True),
               ("丙镇人民政府", 2024, TRAINING, 1, True)]
    for agency, year, problems, received, ok in reports:
        save_record(store, record_factory(agency, year, problems=problems, improvements=(),
                                          new_received=received, balance_ok=ok))
    return store


@pytest.mark.parametrize("name, level", [
    ("平顶山市石龙区科学技术局", "县级"), ("河南省人民政府办公厅", "省级"),
    ("内蒙古自治区发展和改革委员会", "省级"), ("郑州市市场监督管理局", "市级"),
    ("某某街道办事处", "乡级"), ("国家统计局", "部门"), (None, "部门")])
def test_agency_level(name, level):
    assert analysis.agency_level(name) == level


def test_themes_by_year_and_level(filled):
    by_year = {(r["theme"], r["year"]): (r["statements"], r["reports"], r["share"])
               for r in analysis.themes_by(filled, "year")}
    assert by_year == {("timeliness_update", 2022): (1, 1, 0.5),
                       ("staff_capacity", 2022): (1, 1, 0.5),
                       ("timeliness_update", 2023): (1, 1, 0.5),
                       ("staff_capacity", 2023): (2, 2, 1.0),
                       ("staff_capacity", 2024): (1, 1, 1.0)}
    by_level = {(r["theme"], r["level"]): r["reports"] for r in analysis.themes_by(filled, "level")}
    assert by_level == {("timeliness_update", "县级"): 2, ("staff_capacity", "县级"): 2,
                        ("staff_capacity", "省级"): 1, ("staff_capacity", "乡级"): 1}


def test_trends(filled):
    trends = {r["theme"]: r for r in analysis.theme_trends(filled)}
    assert trends["staff_capacity"]["statements"] == 4
    assert (trends["staff_capacity"]["2022"], trends["staff_capacity"]["2024"]) == (0.5, 1.0)
    assert trends["staff_capacity"]["trend_pp"] == 25.0  # 50% -> 100% -> 100%: +25 pp/year
    assert trends["timeliness_update"]["trend_pp"] == -25.0


def test_failed_checks_and_history(filled):
    failed = analysis.failed_checks(filled)
    assert [(f["agency_key"], f["year"], f["rule"], f["scope"]) for f in failed] == [
        ("石龙区科学技术局", 2023, "requests_balance", "report"),
        ("石龙区科学技术局", 2023, "carry_over", "series")]  # 2022 结转 1, 2023 上年结转 0
    assert "差 3" in failed[0]["detail"]
    assert failed[1]["evidence"]["values"] == {"total": [1, 0]}
    rows = series.history(filled, "科学技术局")
    assert [(r["year"], r["new_received"], r["checks_failed"], r["problem_themes"])
            for r in rows] == [(2022, 3, "", "timeliness_update"),
                               (2023, 7, "requests_balance;carry_over",
                                "staff_capacity;timeliness_update*")]
    assert analysis.request_volumes(filled) == [
        {"year": 2022, "new_requests": 7.0, "reports": 2},
        {"year": 2023, "new_requests": 17.0, "reports": 2},
        {"year": 2024, "new_requests": 1.0, "reports": 1}]


def invoke(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_tables_json_and_csv(filled, db_url):
    assert "problem themes by trend" in invoke("themes", "--db", db_url)
    trends = json.loads(invoke("themes", "--db", db_url, "--json"))
    assert trends[0]["name"] == "队伍力量与业务能力" and "2023" in trends[0]
    levels = json.loads(invoke("themes", "--by", "level", "--db", db_url, "--json"))
    assert {r["level"] for r in levels} == {"县级", "省级", "乡级"}
    rows = list(csv.DictReader(io.StringIO(invoke("themes", "--by", "year", "--db", db_url,
                                                  "--csv"))))  # theme x year
    assert list(rows[0]) == ["theme", "name", "2022", "2023", "2024", "reports"]
    assert {r["theme"]: (r["2022"], r["2023"], r["2024"]) for r in rows} == {
        "staff_capacity": ("0.5", "1.0", "1.0"), "timeliness_update": ("0.5", "0.5", "0.0")}
    failed = json.loads(invoke("checks", "--failed", "--db", db_url, "--json"))
    assert [(f["year"], f["rule"]) for f in failed] == [(2023, "requests_balance"),
                                                        (2023, "carry_over")]
    assert len(json.loads(invoke("checks", "--all", "--db", db_url, "--json"))) == 7  # + 2 series
    history = invoke("history", "石龙区", "--db", db_url, "--csv")
    assert len(list(csv.DictReader(io.StringIO(history)))) == 3
    agencies = json.loads(invoke("agencies", "--db", db_url, "--json"))
    assert [(a["agency_key"], a["level"], a["years"]) for a in agencies][:2] == [
        ("丙镇人民政府", "township", "2024"), ("乙省人民政府办公室", "province_department", "2023")]


def test_report_html_is_self_contained(filled, tmp_path):
    path = write_report(filled, tmp_path / "out" / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("<svg") == 3  # frequencies, request volumes, failed checks
    assert html.count("<table class=\"heatmap\"") == 1  # theme x year
    assert "信息发布与更新及时性" in html and "requests_balance" in html
    assert not re.search(r"""(src|href)=["']?https?:""", html) and "<script" not in html


def test_cli_themes_discover(filled, db_url):
    rows = json.loads(invoke("themes", "discover", "--db", db_url, "--k", "2", "--json"))
    assert rows and all(r["size"] > 0 and r["keywords"] for r in rows)
    assert sum(r["size"] for r in rows) <= 6  # the store's problem statements
