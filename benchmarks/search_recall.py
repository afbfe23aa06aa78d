"""Search recall over a folder of records (e.g. `ingest parse DOCS --out DIR`): for each query,
the share of statements containing it that search returns, and whether the top hit contains it.

    .venv/bin/python benchmarks/search_recall.py DIR [--db URL] [--query 解读 ...]
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ingest.record import Record
from ingest.search import Filters, search
from ingest.store import open_store

QUERIES = ("解读", "培训", "更新", "新媒体", "依申请", "不及时")


def load(store, folder: Path) -> int:
    n = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        record = Record.model_validate({k: v for k, v in data.items() if k in Record.model_fields})
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
