"""Exports of a store: records as JSON lines, flat views as CSV/Parquet, OpenSearch bulk.

- `jsonl`: every stored record, exactly the contract JSON, one per line;
- `csv` / `parquet` (pyarrow): the flat views `documents`, `statements` and `table_cells`;
- `opensearch`: bulk NDJSON (action line + one document per report, with a segmented copy
  of the text for a whitespace analyzer), matching config/opensearch_mapping.json.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from .errors import InvalidInput
from .settings import config_dir

FORMATS = ("jsonl", "csv", "parquet", "opensearch")
VIEWS = ("documents", "statements", "table_cells")
OPENSEARCH_INDEX = "nianbao"
DOCUMENT_FIELDS = ("document_id", "uri", "sha256", "status", "reason", "parser_version",
                   "media_type", "title", "agency", "agency_key", "level", "year", "template",
                   "report_date", "statements", "problems", "checks_failed")
STATEMENT_FIELDS = ("document_id", "agency", "year", "title", "position", "section", "type",
                    "text", "themes")
CELL_FIELDS = ("document_id", "agency", "year", "table", "row_key", "col_key", "value",
               "printed")


def jsonl_lines(records: Iterable[dict]) -> Iterator[str]:
    """Given records, return one compact JSON line each (UTF-8 text, not \\u escapes)."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _ids_by_sha(store) -> dict[str, int]:
    return {d["sha256"]: d["id"] for d in store.documents()}


def document_rows(store) -> list[dict]:
    """One row per stored document (every status), with counts from its record; failed
    checks include the cross-year ones (carry_over, request_jump) stored with it."""
    from .analysis import failed_checks

    records = {r["source"]["sha256"]: r for r in store.records()}
    failed: dict[int, int] = {}
    for row in failed_checks(store):
        failed[row["document_id"]] = failed.get(row["document_id"], 0) + 1
    rows = []
    for doc in store.documents():
        record = records.get(doc["sha256"]) or {}
        statements = record.get("statements") or []
        rows.append({**{k: doc.get(k) for k in DOCUMENT_FIELDS if k in doc},
                     "document_id": doc["id"],
                     "statements": len(statements),
                     "problems": sum(s["type"] == "problem" for s in statements),
                     "checks_failed": failed.get(doc["id"], 0)})
    return [{k: row.get(k) for k in DOCUMENT_FIELDS} for row in rows]


def statement_rows(store) -> list[dict]:
    """One row per statement with its report's agency, year and title; themes `;`-joined."""
    ids = _ids_by_sha(store)
    rows = []
    for record in store.records():
        meta = record["meta"]
        for position, st in enumerate(record["statements"]):
            rows.append({"document_id": ids.get(record["source"]["sha256"]),
                         "agency": meta.get("agency"), "year": meta.get("year"),
                         "title": meta.get("title"), "position": position,
                         "section": st["section"], "type": st["type"], "text": st["text"],
                         "themes": ";".join(st.get("themes") or [])})
    return rows


def cell_rows(store) -> list[dict]:
    """One row per table cell: number and printed text."""
    ids = _ids_by_sha(store)
    rows = []
    for record in store.records():
        printed = record.get("cell_text") or {}
        for name, table in (record.get("tables") or {}).items():
            for row_key, columns in (table or {}).items():
                for col_key, value in columns.items():
                    rows.append({"document_id": ids.get(record["source"]["sha256"]),
                                 "agency": record["meta"].get("agency"),
                                 "year": record["meta"].get("year"), "table": name,
                                 "row_key": row_key, "col_key": col_key, "value": value,
                                 "printed": printed.get(name, {}).get(row_key, {}).get(col_key)})
    return rows


VIEW_BUILDERS = {"documents": (document_rows, DOCUMENT_FIELDS),
                 "statements": (statement_rows, STATEMENT_FIELDS),
                 "table_cells": (cell_rows, CELL_FIELDS)}


def view_table(store, view: str) -> pa.Table:
    """A flat view as an Arrow table (columns in a fixed order even when empty)."""
    build, fields = VIEW_BUILDERS[view]
    rows = build(store)
    return pa.Table.from_pylist(rows) if rows else pa.table({f: pa.array([], pa.string())
                                                             for f in fields})


def write_views(store, fmt: str, out_dir: Path) -> list[Path]:
    """Write every flat view as `out_dir/<view>.<fmt>`; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for view in VIEWS:
        path = out_dir / f"{view}.{fmt}"
        table = view_table(store, view)
        if fmt == "csv":
            pa_csv.write_csv(table, path)
        else:
            pq.write_table(table, path)
        paths.append(path)
    return paths


def opensearch_document(record: dict) -> dict:
    """A report as one OpenSearch document (see config/opensearch_mapping.json)."""
    from .search.segment import segment

    meta, statements = record["meta"], record["statements"]
    body = "\n".join(s["text"] for s in record["sections"] if s["text"])
    return {
        "sha256": record["source"]["sha256"], "url": record["source"]["uri"],
        "media_type": record["source"]["media_type"], **meta,
        "text": body, "text_seg": segment(body),
        "sections": [{"id": s["id"], "heading": s["heading"], "text": s["text"]}
                     for s in record["sections"]],
        "statements": [{"section": s["section"], "type": s["type"], "text": s["text"],
                        "text_seg": segment(s["text"]), "themes": s.get("themes") or []}
                       for s in statements],
        "themes": sorted({t for s in statements for t in s.get("themes") or []}),
        "tables": record["tables"],
        "checks_failed": [c["rule"] for c in record["checks"] if c["ok"] is False],
    }


def opensearch_lines(records: Iterable[dict], index: str = OPENSEARCH_INDEX) -> Iterator[str]:
    """Bulk-API NDJSON: an `index` action line, then the document, per record."""
    for record in records:
        action = {"index": {"_index": index, "_id": record["source"]["sha256"]}}
        yield json.dumps(action) + "\n"
        yield json.dumps(opensearch_document(record), ensure_ascii=False) + "\n"


def opensearch_mapping() -> dict:
    return json.loads((config_dir() / "opensearch_mapping.json").read_text(encoding="utf-8"))


def write_lines(lines: Iterable[str], stream: IO[str]) -> int:
    n = 0
    for line in lines:
        stream.write(line)
        n += 1
    return n


def export(store, fmt: str, out: Path | None, stream: IO[str]) -> str:
    """Export the store in `fmt` to `out` (a file, or a folder for csv/parquet) or `stream`.

    Returns a one-line summary of what was written.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt in ("csv", "parquet"):
        if out is None:
            if fmt == "parquet":
                raise InvalidInput("parquet needs --out DIR")
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(view_table(store, "statements"), sink)
            stream.write(sink.getvalue().to_pybytes().decode("utf-8"))
            return "statements view written as CSV"
        paths = write_views(store, fmt, out)
        return "wrote " + ", ".join(str(p) for p in paths)
    lines = jsonl_lines(store.records()) if fmt == "jsonl" else opensearch_lines(store.records())
    if out is None:
        n = write_lines(lines, stream)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            n = write_lines(lines, fh)
    if fmt == "opensearch":
        return (f"{n // 2} reports as bulk NDJSON; index mapping: "
                f"{config_dir() / 'opensearch_mapping.json'}")
    return f"{n} records"

