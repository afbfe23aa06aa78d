"""Synthetic 政府信息公开工作年度报告 with their gold records, for tests, benchmarks and the demo.

    spec = compose.report(rng, name)       # a random but realistic report (model.ReportSpec)
    data = render.render(spec, "pdf")      # the document bytes in one format
    gold = build.gold_record(spec, data, media_type)   # what a perfect parser returns

`generate(n, seed, formats)` does all three for a batch; `portal.build_portal` makes the
sample gov-CMS site around them.
"""
from .generate import FORMATS, Generated, generate, render, specs

__all__ = ["FORMATS", "Generated", "generate", "render", "specs"]
