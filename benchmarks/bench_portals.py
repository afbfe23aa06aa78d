"""Benchmark: many portals at once. Wall time of `ingest run` over 1, 10 and 50 local sample
portals (corpus/portal.py, --reports reports each, each served on its own 127.0.0.1 port,
the default per-host politeness), against `ingest parse --jobs N` of the same report files.

The goal: wall time for 50 portals <= 1.3 x max(time for 1 portal, time to parse the same
files): fetching hides behind parsing instead of adding to it. A second reference parses
and stores the same files (records and search index, `ingest_paths`) without fetching. Every run starts from an
empty store; times include start-up. Portals are generated once into --cache (distinct
reports per portal, so nothing is a duplicate). Run on demand, never in tests; ratios are
measured within one run (the machine is shared). The largest crawl and the two references
are run --repeat times, interleaved, and the fastest of each counts (the usual way to read a
benchmark on a noisy machine: noise only ever adds time); every time is printed.

    .venv/bin/python benchmarks/bench_portals.py [--portals 1,10,50] [--reports 20] [--jobs 2] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


STORE = """
from ingest.ingest import ingest_paths
from ingest.store import open_store
if __name__ == "__main__":
    with open_store("{db}") as store:
        ingest_paths(["{files}"], store, jobs={jobs})
"""


def _build(args: tuple[str, int, int]) -> dict:
    from ingest.corpus.portal import build_portal

    folder, reports, seed = args
    done = Path(folder + "-manifest.json")
    if done.exists():
        return json.loads(done.read_text(encoding="utf-8"))
    return build_portal(folder, n=reports, seed=seed, scans=0, extras=False)


def build_all(cache: Path, count: int, reports: int, jobs: int) -> list[tuple[Path, dict]]:
    cache.mkdir(parents=True, exist_ok=True)
    folders = [str(cache / f"portal{i:03d}") for i in range(count)]
    with ProcessPoolExecutor(jobs) as pool:
        manifests = list(pool.map(_build, [(f, reports, 1000 + i) for i, f in enumerate(folders)]))
    return list(zip(map(Path, folders), manifests))


def sources_file(path: Path, bases: list[str], manifests: list[dict]) -> None:
    lines = ["sources:"]
    for i, (base, manifest) in enumerate(zip(bases, manifests)):
        lines += [f"  - name: portal{i:03d}", f"    start_urls: ['{base}{manifest['start']}']",
                  "    allow_private: true"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(cmd: list[str]) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return round(time.monotonic() - started, 2), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portals", default="1,10,50")
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bench_portals")
    args = parser.parse_args()
    counts = [int(c) for c in args.portals.split(",")]
    sites = build_all(args.cache / f"r{args.reports}", max(counts), args.reports, args.jobs)

    from ingest.corpus.serve import base_url, start

    servers = [start(folder) for folder, _ in sites]
    bases = [base_url(s) for s in servers]
    result = {"reports_per_portal": args.reports, "jobs": args.jobs, "crawl": {}}
    ingest = [sys.executable, "-m", "ingest.cli.main"]
    most = max(counts)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            files = tmp / "files"
            files.mkdir()
            for folder, manifest in sites[:most]:
                for doc in manifest["documents"]:
                    if doc["kind"] == "report":
                        src = folder / doc["url"]
                        shutil.copy(src, files / f"{folder.name}-{src.name}")

            def crawl(count: int, run: int) -> dict:
                config = tmp / f"sources{count}.yaml"
                sources_file(config, bases[:count], [m for _, m in sites[:count]])
                db = tmp / f"store{count}-{run}.db"
                seconds, out = timed([*ingest, "run", "--config", str(config), "--db", str(db),
                                      "--jobs", str(args.jobs), "--json"])
                crawls = json.loads(out)
                return {"wall_seconds": seconds, "parsed": sum(c["parsed"] for c in crawls),
                        "requests": sum(c["requests"] for c in crawls),
                        "slowest_source_seconds": max(c["seconds"] for c in crawls),
                        "alarms": sum(bool(c["alarm"]) for c in crawls)}

            def parse(run: int) -> float:
                return timed([*ingest, "parse", str(files), "--out", str(tmp / f"parsed{run}"),
                              "--jobs", str(args.jobs)])[0]

            def parse_and_store(run: int) -> float:
                # the same files parsed and stored (records + search index), no fetching: what
                # a crawl must do besides fetching
                store = f"sqlite:///{tmp / f'stored{run}.db'}"
                return timed([sys.executable, "-c", STORE.format(files=str(files), db=store,
                                                                 jobs=args.jobs)])[0]

            for count in counts:
                if count != most:
                    result["crawl"][count] = crawl(count, 0)
            runs: dict[str, list] = {"crawl": [], "parse": [], "parse_and_store": []}
            for run in range(args.repeat):  # interleaved: a noisy spell hits all three alike
                runs["crawl"].append(crawl(most, run))
                runs["parse"].append(parse(run))
                runs["parse_and_store"].append(parse_and_store(run))
            result["crawl"][most] = min(runs["crawl"], key=lambda r: r["wall_seconds"])
            result["crawl"][most]["all_wall_seconds"] = [r["wall_seconds"] for r in runs["crawl"]]
            result["parse"] = {"files": len(list(files.iterdir())),
                               "wall_seconds": min(runs["parse"]), "all_wall_seconds": runs["parse"]}
            result["parse_and_store"] = {"wall_seconds": min(runs["parse_and_store"]),
                                         "all_wall_seconds": runs["parse_and_store"]}
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    fewest = min(counts)
    bound = max(result["crawl"][fewest]["wall_seconds"], result["parse"]["wall_seconds"])
    result["ratio_most_vs_bound"] = round(result["crawl"][most]["wall_seconds"] / bound, 3)
    stored = max(result["crawl"][fewest]["wall_seconds"], result["parse_and_store"]["wall_seconds"])
    result["ratio_most_vs_parse_and_store"] = round(
        result["crawl"][most]["wall_seconds"] / stored, 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
