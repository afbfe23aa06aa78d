"""`make bench`: the whole benchmark in one run, written to benchmarks/RESULTS.md.

    python -m benchmarks.run [--n 60] [--scans 2] [--jobs-n 1000] [--seed 0] [--pages 100] [--keep DIR]

Generates a corpus (all formats, a few scans) into a temp folder, then measures on those
same files: per-stage time and throughput (`benchmarks.cases stages`), the pdfplumber
extract_text baseline, table finding vs camelot lattice (separate interpreter, see
README.md), `ingest parse --jobs 2` vs `--jobs 1` (on a batch of --jobs-n
generated reports, so start-up is amortised as in a real batch), cold-process `ingest parse` of one file,
which heavy modules that imports, and peak memory on a long PDF. Each measurement runs in
its own process; ratios are only compared within one run (the machine may be shared).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from .corpus import generate, long_pdf
from .report import write_results

ROOT = Path(__file__).resolve().parents[1]
CAMELOT_PYTHON = os.environ.get("CAMELOT_PYTHON", "/opt/venv-camelot/bin/python")


def ingest_cmd() -> list[str]:
    script = Path(sys.executable).parent / "ingest"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ingest.cli.main"]


def child(cmd: list[str], workdir: Path) -> dict:
    """Run a command; return wall and CPU seconds, its peak RSS (MB), exit code and stdout."""
    out, err = workdir / "child.out", workdir / "child.err"
    with out.open("wb") as o, err.open("wb") as e:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "rc": os.waitstatus_to_exitcode(status),
            "stdout": out.read_text(errors="replace"), "stderr": err.read_text(errors="replace")}


def brief(run: dict) -> dict:
    return {k: v for k, v in run.items() if k not in ("stdout", "stderr")}


def case(name: str, args: dict, workdir: Path, python: str = sys.executable,
         script: list[str] | None = None) -> dict:
    """One `benchmarks.cases` case (or another script) in a fresh process; its JSON result."""
    cmd = [python, *(script or ["-m", "benchmarks.cases", name]), json.dumps(args)]
    run = child(cmd, workdir)
    if run["rc"] != 0:
        tail = run["stderr"].strip().splitlines()[-1:] or ["no output"]
        return {"error": f"{name} failed (exit {run['rc']}): {tail[0]}"}
    return json.loads(run["stdout"].strip().splitlines()[-1])


def kind_of(path: str) -> str:
    """Format of a generated file: its stem ends with -pdf/-html/-docx/-txt/-scan."""
    return Path(path).stem.rsplit("-", 1)[-1]


def jobs_speedup(files: list[Path], workdir: Path, rounds: int = 2) -> dict:
    """Whole `ingest parse --jobs N` CLI runs (start-up included), alternating 1, 2, 1, 2;
    the fastest of each is kept."""
    runs: dict[int, dict] = {}
    for _ in range(rounds):
        for jobs in (1, 2):
            out = workdir / f"parsed-jobs{jobs}"
            run = brief(child([*ingest_cmd(), "parse", *map(str, files), "--out", str(out),
                               "--jobs", str(jobs)], workdir))
            if jobs not in runs or run["wall"] < runs[jobs]["wall"]:
                runs[jobs] = run
    return {"files": len(files), "jobs1": runs[1], "jobs2": runs[2],
            "ratio": runs[1]["wall"] / runs[2]["wall"]}


def cold_parse(path: Path, workdir: Path, times: int = 3) -> dict:
    runs = [child([*ingest_cmd(), "parse", str(path), "--json"], workdir) for _ in range(times)]
    walls = [r["wall"] for r in runs]
    return {"file": path.name, "min": min(walls), "median": statistics.median(walls),
            "cpu": min(r["cpu"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs),
            "rc": runs[-1]["rc"]}


def long_report(pdfs: list[Path], pages: int, workdir: Path) -> dict:
    path = long_pdf(pdfs, pages, workdir / f"long-{pages}.pdf")
    run = child([*ingest_cmd(), "parse", str(path), "--json"], workdir)
    record = json.loads(run["stdout"]) if run["rc"] == 0 else {}
    return {"pages": (record.get("source") or {}).get("pages"), "wall": run["wall"],
            "cpu": run["cpu"], "peak_mb": run["peak_mb"], "rc": run["rc"],
            "error": run["stderr"].strip()[-200:] if run["rc"] else None}


def measure(args: argparse.Namespace, workdir: Path) -> dict:
    t0 = time.perf_counter()
    files = generate(workdir / "corpus", args.n, args.scans, args.seed)
    results: dict = {"generated_s": time.perf_counter() - t0, "n": args.n, "scans": args.scans,
                     "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                     "load": os.getloadavg(), "cpus": os.cpu_count()}
    print(f"corpus: {len(files)} files in {results['generated_s']:.0f}s", file=sys.stderr)
    results["stages"] = case("stages", {"files": list(map(str, files)),
                                        "db": f"sqlite:///{workdir / 'bench.db'}"}, workdir)
    rows = results["stages"].get("files", [])
    pdfs = [r for r in rows if kind_of(r["file"]) == "pdf" and r["status"] == "ok"]
    results["plumber_text"] = case("plumber_text", {"files": [r["file"] for r in pdfs]}, workdir)
    results["pdf_breakdown"] = case("pdf_breakdown", {"files": [r["file"] for r in pdfs]}, workdir)
    table_pages = {r["file"]: r["table_pages"] for r in pdfs if r["table_pages"]}
    print("stages and pdfplumber baseline done", file=sys.stderr)
    if table_pages:
        results["camelot_files"] = list(table_pages)
        results["plumber_tables"] = case("plumber_tables", {"pages_by_file": table_pages}, workdir)
        results["camelot"] = (case("camelot", table_pages, workdir, CAMELOT_PYTHON,
                                   [str(ROOT / "benchmarks" / "camelot_case.py")])
                              if Path(CAMELOT_PYTHON).exists()
                              else {"error": f"no camelot interpreter at {CAMELOT_PYTHON}"})
    digital = [f for f in files if kind_of(str(f)) != "scan"]
    results["ceiling_before"] = case("cpu_ceiling", {}, workdir)
    # the same seed: the corpus above plus more reports (seed 2 at n=200 trips a generator bug)
    batch = generate(workdir / "batch", args.jobs_n, 0, args.seed) if args.jobs_n else digital
    results["jobs"] = jobs_speedup(batch, workdir)
    results["pool"] = case("pool_throughput", {"files": list(map(str, digital))}, workdir)
    results["ceiling_after"] = case("cpu_ceiling", {}, workdir)
    print("jobs done", file=sys.stderr)
    first_pdf = Path(next(iter(table_pages), None) or pdfs[0]["file"])
    first_txt = next(f for f in files if kind_of(str(f)) == "txt")
    results["cold"] = [cold_parse(first_pdf, workdir), cold_parse(first_txt, workdir)]
    results["cold_modules"] = {f.name: case("cold_modules", {"file": str(f)}, workdir)
                               for f in (first_txt, first_pdf)}
    results["long"] = long_report([Path(r["file"]) for r in pdfs], args.pages, workdir)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="generated reports (pdf/html/docx/txt)")
    parser.add_argument("--scans", type=int, default=2, help="scanned PDFs in addition (OCR)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs-n", type=int, default=1000,
                        help="reports generated for the --jobs 1 vs 2 CLI runs (0: the corpus)")
    parser.add_argument("--pages", type=int, default=100, help="pages of the long PDF")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--render", type=Path, help="only rewrite --out from a RESULTS.json")
    args = parser.parse_args(argv)
    if args.render:
        args.out.write_text(write_results(json.loads(args.render.read_text())), encoding="utf-8")
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        results = measure(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
            results = measure(args, Path(tmp))
    args.out.write_text(write_results(results), encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=1, default=str)[:2_000_000],
                                               encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
