"""Benchmark: what statements (segmentation, type model, themes) add per report after start-up.

    .venv/bin/python benchmarks/bench_statements.py [--reports 200]

Builds synthetic problems sections in the report styles (yishi items, sub-headings, colon
runs, free sentences), loads the models once (start-up, reported apart: the spaCy type model
and the numpy theme model), then times `extract_statements` per report (segmentation, type,
themes and theme_scores). Target: <= 20 ms per report.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

from ingest.record import Section
from ingest.statements import extract_statements, nlp

PROBLEMS = ["部分栏目信息更新不及时", "政策解读形式较为单一", "工作人员业务能力有待提高",
            "公开渠道不够丰富", "信息发布审核把关不严", "主动公开意识不强"]
FIXES = ["加强业务培训，提升工作人员能力", "完善信息发布审核制度", "拓宽公开渠道，用好政务新媒体",
         "建立栏目定期巡查机制", "丰富政策解读形式", "增强主动公开意识"]
NUM = "一二三四五六"


def section_text(rng: random.Random) -> str:
    """One problems section in a randomly chosen style."""
    p, f = rng.sample(PROBLEMS, 3), rng.sample(FIXES, 3)
    style = rng.randrange(4)
    if style == 0:
        return ("存在的问题：" + "；".join(f"{NUM[i]}是{t}" for i, t in enumerate(p)) + "。\n改进措施："
                + "；".join(f"{NUM[i]}是{t}" for i, t in enumerate(f)) + "。")
    if style == 1:
        return ("（一）存在的主要问题\n" + "\n".join(f"{i + 1}.{t}。" for i, t in enumerate(p))
                + "\n（二）改进情况\n" + "\n".join(f"{i + 1}.{t}。" for i, t in enumerate(f)))
    if style == 2:
        return ("一年来，我局工作取得一定成效，但仍存在一些不足：" + "；".join(p)
                + "。\n下一步，我局将重点做好以下工作：" + "；".join(f"{i + 1}、{t}" for i, t in enumerate(f)) + "。")
    return "对照要求，还存在以下问题。" + "。".join(p) + "。下一步，我局将做好以下工作。" + "。".join(f) + "。"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(0)
    reports = [[Section(id="problems", heading="五、存在的主要问题及改进情况", text=section_text(rng))]
               for _ in range(args.reports)]
    t0 = time.perf_counter()
    nlp.type_pipeline()
    nlp.themes_pipeline()
    extract_statements(reports[0])  # warm-up: jieba dictionary, first pipe
    startup = time.perf_counter() - t0
    times = []
    for sections in reports:
        t = time.perf_counter()
        extract_statements(sections)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"start-up (load models, jieba dict, first call): {startup:.2f} s")
    print(f"per report over {len(times)} reports: mean {statistics.mean(times):.2f} ms, "
          f"median {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95) - 1]:.2f} ms")
    print("target <= 20 ms per report:", "OK" if statistics.mean(times) <= 20 else "OVER")


if __name__ == "__main__":
    main()
