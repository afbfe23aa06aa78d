"""Search latency benchmark: p50/p95 of `ingest.search.search` in-process over a store of
generated reports (ingest.corpus specs turned straight into gold records, no rendering).

    .venv/bin/python benchmarks/bench_search.py [--reports 5000] [--db URL] [--repeat 20]

The store is built once and reused (output/bench_search.db unless --db is given).
"""
from __future__ import annotations

import argparse
import statistics
import time

from rich.console import Console
from rich.progress import track
from rich.table import Table

from ingest.corpus.build import gold_record
from ingest.corpus.generate import specs
from ingest.search import Filters, search
from ingest.settings import output_dir
from ingest.store import open_store

QUERIES = [("解读", Filters()), ("培训", Filters()), ("更新", Filters()), ("新媒体", Filters()),
           ("依申请", Filters()), ("不及时", Filters()), ("公开", Filters()),
           ("网", Filters()), ("政务公开 培训", Filters()), ("行政复议", Filters()),
           ("更新不及时", Filters(type="problem")), ("解读", Filters(year=2022)),
           ("培训", Filters(theme="staff_capacity")), ("平台", Filters(agency="区"))]


def fill(store, n: int) -> None:
    have = len(store.documents())
    for spec in track(list(specs(n, seed=2026, prefix="bench"))[have:], description="storing"):
        record = gold_record(spec, spec.name.encode(), spec.name + ".txt", "text/plain")
        store.save_document(uri=record.source.uri, sha256=record.source.sha256,
                            media_type="text/plain", status="ok", reason=None, record=record,
                            parser_version="bench")


def label(query: str, filters: Filters) -> str:
    given = {k: v for k, v in vars(filters).items() if v is not None}
    return query + (f" {given}" if given else "")


def measure(store, repeat: int, limit: int) -> tuple[list[float], list[float], dict]:
    """Wall and CPU milliseconds per search (CPU time is what a busy machine cannot inflate)."""
    wall, cpu, per_query = [], [], {}
    for query, filters in QUERIES:
        search(store, query, filters, limit)  # untimed: loads jieba's models, compiles the SQL
        runs = []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            search(store, query, filters, limit)
            runs.append(((time.perf_counter() - start) * 1000,
                         (time.process_time() - start_cpu) * 1000))
        wall += [w for w, _ in runs]
        cpu += [c for _, c in runs]
        per_query[label(query, filters)] = (statistics.median(w for w, _ in runs),
                                            statistics.median(c for _, c in runs))
    return wall, cpu, per_query


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--db", default=f"sqlite:///{output_dir() / 'bench_search.db'}")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    console = Console()
    with open_store(args.db) as store:
        start = time.perf_counter()
        fill(store, args.reports)
        console.print(f"store ready in {time.perf_counter() - start:.0f} s: "
                      f"{len(store.documents())} reports")
        wall, cpu, per_query = measure(store, args.repeat, args.limit)
    table = Table(title=f"median ms per query ({store.dialect})")
    for column in ("query", "wall ms", "cpu ms"):
        table.add_column(column)
    for query, (w, c) in per_query.items():
        table.add_row(query, f"{w:.1f}", f"{c:.1f}")
    console.print(table)
    for name, values in (("wall", wall), ("cpu", cpu)):
        console.print(f"{len(values)} searches, {name}: p50 {statistics.median(values):.1f} ms, "
                      f"p95 {p95(values):.1f} ms, max {max(values):.1f} ms")


if __name__ == "__main__":
    main()
