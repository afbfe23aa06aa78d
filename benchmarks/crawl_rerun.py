"""Benchmark: a crawl of the misbehaving test portal, then a rerun on the unchanged portal.

Runs `ingest run --start-url ...` twice as subprocesses (wall time, start-up included) and
prints both times, their ratio, the requests, 304s and parses of each run and the most
requests in flight at once. The rerun should take less than half the first run's time.

    .venv/bin/python benchmarks/crawl_rerun.py [--extra N] [--jobs N]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", type=int, default=20, help="extra TXT reports on page 2")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    portal = start_portal(extra_reports=args.extra)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "sources.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        cmd = [sys.executable, "-m", "ingest.cli.main", "run", "--start-url",
               portal.url("/ndbg/index.html"), "--config", str(config),
               "--db", str(Path(tmp) / "store.db"), "--allow-private", "--jobs", str(args.jobs)]
        runs = []
        for _ in range(2):
            portal.clear_log()
            started = time.monotonic()
            subprocess.run(cmd, check=True, capture_output=True)
            seconds = time.monotonic() - started
            log = list(portal.log)
            runs.append({"seconds": round(seconds, 2), "requests": len(log),
                         "status_200": sum(e["status"] == 200 for e in log),
                         "status_304": sum(e["status"] == 304 for e in log),
                         "conditional": sum(bool(e["if_none_match"]) for e in log),
                         "max_in_flight": max(portal.max_in_flight.values())})
    portal.stop()
    print(json.dumps({"first": runs[0], "rerun": runs[1],
                      "ratio": round(runs[1]["seconds"] / runs[0]["seconds"], 3)}, indent=2))


if __name__ == "__main__":
    main()
