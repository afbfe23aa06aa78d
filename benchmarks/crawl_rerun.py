"""Benchmark: a crawl, then a rerun on the unchanged portal (the nightly case), twice over:

    fault    the misbehaving test portal (tests/portal_server.py: retries, redirects, a
             slow file, a truncated one, robots.txt) with --extra TXT reports
    sample   the generated sample portal (corpus/portal.py) with --reports reports, served
             as static files on 127.0.0.1

Each run is `ingest run --start-url ... --json` as a subprocess (wall time, start-up
included). Prints, per portal, both times, their ratio (the goal: < 0.3), the requests,
304s and parses of each run, and the revisit figures of the rerun (due, fresh, 304,
changed, new). Run on demand, never in tests; ratios are measured within one run.

    .venv/bin/python benchmarks/crawl_rerun.py [--extra N] [--reports N] [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from portal_server import start_portal  # noqa: E402

CONFIG = """defaults:
  politeness: {requests_per_second: 20, timeout_seconds: 1.5, retries: 1, backoff_seconds: 0.05}
"""
FIGURES = ("requests", "fetched", "not_modified", "parsed", "due", "skipped_fresh", "changed",
           "new", "seconds")


def two_runs(start_url: str, tmp: Path, jobs: int, log=None) -> dict:
    """Crawl, then crawl again; wall times, their ratio and each run's figures."""
    config = tmp / "sources.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    cmd = [sys.executable, "-m", "ingest.cli.main", "run", "--start-url", start_url,
           "--config", str(config), "--db", str(tmp / "store.db"), "--allow-private",
           "--jobs", str(jobs), "--json"]
    runs = []
    for _ in range(2):
        if log is not None:
            log.clear()
        started = time.monotonic()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        seconds = time.monotonic() - started
        [summary] = json.loads(done.stdout)
        runs.append({"wall_seconds": round(seconds, 2),
                     **{k: summary[k] for k in FIGURES}, "alarm": summary["alarm"]})
    return {"first": runs[0], "rerun": runs[1],
            "ratio": round(runs[1]["wall_seconds"] / runs[0]["wall_seconds"], 3),
            "reparsed": runs[1]["parsed"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", type=int, default=20, help="extra TXT reports on the fault portal")
    parser.add_argument("--reports", type=int, default=60, help="reports on the sample portal")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    results = {}
    portal = start_portal(extra_reports=args.extra)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results["fault"] = two_runs(portal.url("/ndbg/index.html"), Path(tmp), args.jobs,
                                        portal.log)
            results["fault"]["max_in_flight"] = max(portal.max_in_flight.values())
    finally:
        portal.stop()

    from ingest.corpus.portal import build_portal
    from ingest.corpus.serve import serve

    with tempfile.TemporaryDirectory() as tmp:
        manifest = build_portal(Path(tmp) / "site", n=args.reports, seed=0)
        with serve(Path(tmp) / "site") as base:
            results["sample"] = two_runs(base + manifest["start"], Path(tmp), args.jobs)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
