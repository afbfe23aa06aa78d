"""Search recall over a folder of records (e.g. `ingest parse DOCS --out DIR`) or a JSONL file
of statements ({"text", "label", "themes"} per line, grouped 50 to a record): for each query,
the share of statements containing it that search returns, and whether the top hit contains it.

    .venv/bin/python benchmarks/search_recall.py DIR|FILE.jsonl [--db URL] [--query 解读 ...]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ingest.record import Record, Source, Statement
from ingest.search import Filters, search
from ingest.store import open_store

QUERIES = ("解读", "培训", "更新", "新媒体", "依申请", "不及时")


def folder_records(folder: Path) -> Iterator[Record]:
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield Record.model_validate({k: v for k, v in data.items() if k in Record.model_fields})


def statement_records(path: Path, per_record: int = 50) -> Iterator[Record]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for start in range(0, len(lines), per_record):
        chunk = lines[start:start + per_record]
        sha = hashlib.sha256(f"{path}:{start}".encode()).hexdigest()
        yield Record(source=Source(uri=f"{path.name}#{start}", sha256=sha, media_type="text/plain"),
                     statements=[Statement(section="problems", type=s.get("label", "other"),
                                           text=s["text"], themes=s.get("themes") or [])
                                 for s in chunk])


def load(store, source: Path) -> int:
    n = 0
    records = statement_records(source) if source.is_file() else folder_records(source)
    for record in records:
        store.save_document(uri=record.source.uri, sha256=record.source.sha256,
                            media_type=record.source.media_type, status="ok", reason=None,
                            record=record, parser_version="recall")
        n += 1
    return n


def recall(store, query: str) -> dict:
    """Statements containing `query` (by document and text) vs. statement hits."""
    wanted = {(r["source"]["sha256"], s["text"]) for r in store.records()
              for s in r["statements"] if query in s["text"]}
    shas = {d["id"]: d["sha256"] for d in store.documents()}
    hits = search(store, query, Filters(kind="statement"), limit=10_000)
    found = {(shas[h.document_id], h.text) for h in hits}
    return {"query": query, "containing": len(wanted), "returned": len(wanted & found),
            "recall": len(wanted & found) / len(wanted) if wanted else 1.0,
            "top_hit_contains": bool(hits) and query in hits[0].text,
            "hits": len(hits)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--query", action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(args.db or f"sqlite:///{tmp}/recall.db") as store:
            n = load(store, args.folder)
            rows = [recall(store, q) for q in args.query or QUERIES]
    table = Table(title=f"search recall over {n} records ({args.folder})")
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))
    Console().print(table)
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
