"""Pre-2019 reports as agencies wrote them: free-form chapters, prose statistics, the old 统计表.

Before the 2019 format every agency chose its own chapters. For `share` of legacy reports
(config/legacy_chapters.yaml) the generator writes them that way, with their gold:

- 概述 with （一）… sub-heads; an optional 重点领域政府信息公开情况 chapter (a second `proactive`
  section) of 1.推进…公开。… items; 主动公开政府信息情况 with sub-heads and statistics in prose
  (…条，占73%);
- 政府信息依申请公开工作情况 or 依申请公开、不予公开及咨询政府信息情况 (sub-parts), an optional
  咨询处理情况 chapter (`requests`), 收费及减免 / 审批事项 / 工作人员及…支出 chapters
  (`other_matters`), 复议诉讼 in several spellings (`review_litigation`);
- the problems section (compose.problems_sections), then either a 统计表 chapter holding only the
  table (an empty `other_matters` section) or the table as an appendix after the 落款 (not a
  section; `ReportSpec.appendix`), and a 落款 date in Chinese numerals written with ○ or 〇.

Template `legacy`, tables null. Reports that keep compose.py's classic chapters come out
exactly as before (the choice draws from a derived generator, not from the report's).
"""
from __future__ import annotations

import random
from functools import lru_cache

from ..settings import load_yaml
from . import compose
from .model import Para, SectionSpec, TableBlock
from .numbers import legacy_stats_grid
from .phrases import bank, fill
from .problems_styles import derived


@lru_cache(maxsize=1)
def config() -> dict:
    return load_yaml("legacy_chapters.yaml")


def written(rng: random.Random, ctx: dict) -> tuple[list[SectionSpec], list[dict]] | None:
    """For `share` of legacy reports: free-form chapters and the problems gold; else None.
    Sets ctx["appendix"] (blocks printed after the 落款) and ctx["zero_char"] (○ or 〇)."""
    sub = derived(rng)
    if sub.random() >= float(config()["share"]):
        return None
    return Chapters(sub, ctx).write()


class Chapters:
    """The chapters being written, numbered in order."""

    def __init__(self, rng: random.Random, ctx: dict):
        self.rng, self.ctx = rng, ctx
        self.sections: list[SectionSpec] = []

    def text(self, template: str) -> str:
        r = self.rng
        n1 = r.randint(2, 30)
        return fill(template, {**self.ctx, "n1": n1, "n2": r.randint(3, 90), "n3": r.randint(1, n1),
                               "big": r.randint(60, 3000), "pct": r.randint(11, 89)})

    def heading(self, kind: str) -> str:
        n = len(self.sections)
        return f"{compose.chapter(n)}、{self.text(self.rng.choice(config()['headings'][kind]))}"

    def add(self, sid: str, kind: str, blocks: list) -> None:
        self.sections.append(SectionSpec(sid, self.heading(kind), blocks))

    def subparts(self, items: list[list[str]], k: int, numbered: str = "paren") -> list[Para]:
        """k (sub-head, paragraph) pairs: （一）head / paragraph, or 1.head。paragraph in one."""
        out: list[Para] = []
        for i, (head, body) in enumerate(self.rng.sample(items, k)):
            if numbered == "paren":
                out += [Para(f"（{compose.ORDINALS[i]}）{head}", sub=True), Para(self.text(body))]
            else:
                out.append(Para(f"{i + 1}.{head}。{self.text(body)}"))
        return out

    def write(self) -> tuple[list[SectionSpec], list[dict]]:
        r, c, ctx = self.rng, config(), self.ctx
        overview = [Para(self.text(r.choice(c["prose_stats"])))]
        if r.random() < 0.6:
            overview += self.subparts(c["overview_items"], r.randint(2, 3))
        self.add("overview", "overview", overview)
        if r.random() < 0.5:
            self.add("proactive", "key_areas", [Para(self.text(r.choice(c["key_area_lead"])))]
                     + self.subparts(c["key_areas"], r.randint(2, 4), numbered="dot"))
        self.add("proactive", "proactive", self.proactive())
        self.add("requests", "requests", self.requests())
        if r.random() < 0.25:
            self.add("requests", "consult", [Para(self.text(r.choice(c["consult"])))])
        if r.random() < 0.5:
            self.add("other_matters", "fees", [Para(self.text(r.choice(bank()["legacy_fees"])))])
        if r.random() < 0.2:
            self.add("other_matters", "approvals", [Para(self.text(r.choice(c["approvals"])))])
        self.add("review_litigation", "review_litigation",
                 [Para(self.text(r.choice(bank()["legacy_review"])))])
        if r.random() < 0.3:
            self.add("other_matters", "staff", self.subparts(c["staff_parts"], 2))
        problems, statements = compose.problems_sections(r, ctx, "legacy", len(self.sections))
        self.sections += problems
        stats = TableBlock("legacy_stats", legacy_stats_grid(r, ctx))
        where = r.choice(("chapter", "appendix", "none"))
        if where == "chapter":  # a chapter holding only the table: an empty other_matters section
            self.add("other_matters", "stats", [stats])
        ctx["appendix"] = [Para(self.text(r.choice(c["stats_note"]))), stats] if where == "appendix" else []
        ctx["zero_char"] = r.choice("○〇")
        return self.sections, statements

    def proactive(self) -> list[Para]:
        r, c = self.rng, config()
        heads = c["proactive_subheads"]
        paras = [Para(f"（一）{heads[0]}", sub=True), Para(self.text(r.choice(c["prose_stats"])))]
        if r.random() < 0.5:
            paras += [Para(f"（二）{heads[1]}", sub=True), Para(self.text(r.choice(bank()["legacy_proactive"])))]
        n = len(paras) // 2
        paras.append(Para(f"（{compose.ORDINALS[n]}）{heads[2]}", sub=True))
        paras += [Para(f"{i + 1}.{self.text(t)}") for i, t in enumerate(r.sample(c["proactive_forms"], 2))]
        return paras

    def requests(self) -> list[Para]:
        r, c = self.rng, config()
        if self.sections and r.random() < 0.5:
            parts = c["requests_parts"] if self.ctx["r"] else [p for p in c["requests_parts"] if "{r" not in p[1]]
            return self.subparts(parts, min(len(parts), r.randint(2, 3)))
        said = bank()["legacy_requests"]
        return [Para(self.text(said[2] if self.ctx["r"] == 0 else r.choice(said[:2])))]
