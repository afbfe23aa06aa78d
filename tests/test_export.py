"""Exports: jsonl is exactly the stored records; csv/parquet flat views; OpenSearch bulk."""
from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from ingest.cli.main import app
from ingest.export import opensearch_mapping


def fill(store, record_factory, save_record):
    records = [record_factory("甲市教育局", 2023), record_factory("乙县人民政府", 2024,
                                                              balance_ok=False)]
    for r in records:
        save_record(store, r)
    store.save_document(uri="bad.pdf", sha256="0" * 64, media_type="application/pdf",
                        status="failed", reason="encrypted PDF", record=None, parser_version="1")
    return records


def run(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_jsonl_is_exactly_the_records(store, db_url, record_factory, save_record):
    records = fill(store, record_factory, save_record)
    lines = run("export", "--db", db_url, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [r.to_json_dict() for r in records]
    assert "甲市教育局" in lines[0]  # UTF-8, not \\u escapes


def test_jsonl_to_a_file(store, db_url, record_factory, save_record, tmp_path):
    fill(store, record_factory, save_record)
    run("export", "--db", db_url, "--out", str(tmp_path / "out" / "records.jsonl"))
    assert len((tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_csv_and_parquet_views(store, db_url, record_factory, save_record, tmp_path):
    fill(store, record_factory, save_record)
    run("export", "--db", db_url, "--format", "parquet", "--out", str(tmp_path / "pq"))
    documents = pq.read_table(tmp_path / "pq" / "documents.parquet").to_pylist()
    assert [(d["agency"], d["status"], d["checks_failed"]) for d in documents] == [
        ("甲市教育局", "ok", 0), ("乙县人民政府", "ok", 1), (None, "failed", 0)]
    assert [(d["agency_key"], d["level"]) for d in documents] == [
        ("甲市教育局", "city_department"), ("乙县人民政府", "county"), (None, None)]
    statements = pq.read_table(tmp_path / "pq" / "statements.parquet").to_pylist()
    assert len(statements) == 6 and statements[0]["themes"] == "policy_interpretation"
    cells = pq.read_table(tmp_path / "pq" / "table_cells.parquet").to_pylist()
    assert {"table": "requests", "row_key": "new_received", "col_key": "natural_person",
            "value": 5.0, "printed": "5"}.items() <= cells[0].items()
    run("export", "--db", db_url, "--format", "csv", "--out", str(tmp_path / "csv"))
    with open(tmp_path / "csv" / "statements.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["agency"] == "甲市教育局" and rows[0]["type"] == "problem"
    stdout = run("export", "--db", db_url, "--format", "csv").stdout
    assert list(csv.DictReader(io.StringIO(stdout)))[-1]["agency"] == "乙县人民政府"


def test_opensearch_bulk_matches_the_mapping(store, db_url, record_factory, save_record):
    records = fill(store, record_factory, save_record)
    lines = run("export", "--db", db_url, "--format", "opensearch").stdout.splitlines()
    assert len(lines) == 4
    action, doc = json.loads(lines[0]), json.loads(lines[1])
    assert action == {"index": {"_index": "nianbao", "_id": records[0].source.sha256}}
    properties = opensearch_mapping()["mappings"]["properties"]
    assert set(doc) <= set(properties)  # "dynamic": "strict" would reject anything else
    assert "业务 培训" in doc["statements"][1]["text_seg"] or "业务培训" in doc["statements"][1]["text_seg"]
    assert json.loads(lines[3])["checks_failed"] == ["requests_balance"]


def test_bad_format_and_parquet_without_out_are_one_line_errors(db_url):
    for args in (["--format", "xml"], ["--format", "parquet"]):
        result = CliRunner().invoke(app, ["export", "--db", db_url, *args])
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
