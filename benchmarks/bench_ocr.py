"""OCR throughput and memory: pages per second and peak RSS per case (run on demand, not in CI).

    .venv/bin/python benchmarks/bench_ocr.py [--pdf FILE ...]

Cases are scanned pages made here (text pages, a table page, a mixed report), or the
PDFs given with --pdf. Each case runs in a fresh process, so its peak memory
(resource.getrusage ru_maxrss) includes loading the OCR engine, as a worker would.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]


def make_cases(folder: Path) -> list[Path]:
    from pdfmaker import Writer, grid_cells, scanned

    para = ("全年通过政府网站公开信息958条，通过政务新媒体发布信息941条，财政预决算、重大项目、"
            "公示公告等重点领域信息均按要求及时公开。")
    text = Writer(header="政府信息公开工作年度报告", page_number="- {n} -")
    text.heading("一、总体情况")
    for _ in range(9):
        text.paragraph(para * 2)
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, "申请人情况", None, None, None],
            [None, None, "自然人", "商业企业", "其他", "总计"]]
    rows += [[f"{i}.事项名称第{i}项", None, str(i), "0", "1", str(i + 1)] for i in range(1, 27)]
    table = Writer()
    table.heading("三、收到和处理政府信息公开申请情况")
    table.table(grid_cells(rows), [150, 120, 50, 50, 50, 50], header_rows=2)
    report = Writer(header="政府信息公开工作年度报告", page_number="- {n} -")
    for _ in range(2):
        for _ in range(6):
            report.paragraph(para * 2)
        report.table(grid_cells(rows[:14]), [150, 120, 50, 50, 50, 50], header_rows=2)
    cases = []
    for name, writer in (("text page", text), ("table page", table), ("mixed report", report)):
        path = folder / f"{name.replace(' ', '_')}.pdf"
        path.write_bytes(scanned(writer.bytes(), dpi=200))
        cases.append(path)
    return cases


def run_case(path: str) -> dict:
    """Read one PDF (in this process) and report time, CPU time, pages and peak RSS."""
    from ingest.readers.ocr import engine
    from ingest.readers.pdf import read_pdf
    from ingest.settings import Settings

    settings = Settings()
    settings.limits.max_seconds = 3600
    t0 = time.perf_counter()
    engine()
    load = time.perf_counter() - t0
    before = resource.getrusage(resource.RUSAGE_SELF)
    t1 = time.perf_counter()
    layout = read_pdf(Path(path).read_bytes(), settings)
    wall = time.perf_counter() - t1
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"pages": layout.pages, "ocr_pages": len(layout.ocr_pages), "load_s": load, "wall_s": wall,
            "cpu_s": cpu, "peak_mb": after.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", nargs="*", default=[], help="PDF files to bench instead of made-up scans")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cases = [Path(p) for p in args.pdf] or make_cases(Path(tmp))
        print(f"{'case':<28}{'pages':>6}{'ocr':>5}{'wall s':>9}{'cpu s':>8}{'pages/s':>9}{'peak MB':>9}")
        for case in cases:
            out = subprocess.run([sys.executable, __file__, "--case", str(case)], capture_output=True,
                                 text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{case.stem[:27]:<28}{r['pages']:>6}{r['ocr_pages']:>5}{r['wall_s']:>9.1f}{r['cpu_s']:>8.1f}"
                  f"{r['ocr_pages'] / r['wall_s']:>9.3f}{r['peak_mb']:>9.0f}")
        print("engine load (once per process) not included in wall s; cpu s is user+system "
              "over all threads; peak MB is the process's max RSS.")


if __name__ == "__main__":
    main()
