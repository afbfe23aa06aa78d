"""Compose one random but realistic report (a `ReportSpec`) from the phrase banks.

Given a seeded `random.Random` and a name, `report(rng, name)` picks an agency, a year, the
template that year used, section headings, body paragraphs, tables and a problems section in
one of the enumeration styles real reports use, and records the gold statements as it writes.
"""
from __future__ import annotations

import random

from ..numerals import chinese
from . import legacy_chapters, problems_styles
from .model import Para, ReportSpec, SectionSpec, Style, TableBlock
from .numbers import BREAKS, ZERO_STYLES, Printer, legacy_stats_grid, make_tables
from .phrases import bank, fill, pick, self_reference

CN_NUM = "〇一二三四五六七八九"
ORDINALS = "一二三四五六七八九十"


# ---------------------------------------------------------------- who, when
def agency(rng: random.Random) -> tuple[str, int]:
    """An invented agency name and the scale of its request numbers."""
    p, d = bank()["places"], bank()["departments"]
    level = rng.choices(("province", "city", "county", "township"), weights=(12, 25, 33, 30))[0]
    if level == "province":
        prov = rng.choice(p["provinces"]) + "省"
        if rng.random() < 0.3:
            return prov + "人民政府", 400
        return prov + rng.choice(d["province"]), 80
    if level == "city":
        city = rng.choice(p["cities"]) + "市"
        return (city + "人民政府", 200) if rng.random() < 0.35 else (city + rng.choice(d["local"]), 40)
    county = rng.choice(p["counties"]) + rng.choice("县区")
    if level == "county":
        zero = rng.random() < 0.3
        return (county + "人民政府", 0 if zero else 50) if rng.random() < 0.35 else (
            county + rng.choice(d["local"]), 0 if zero else 15)
    town = rng.choice(p["towns"])
    name = rng.choice((town + "镇人民政府", town + "乡人民政府", town + "街道办事处", county + town + "街道办事处"))
    return name, 0 if rng.random() < 0.5 else 5


def template_for(rng: random.Random, year: int) -> str:
    if year < 2019:
        return "legacy"
    if year == 2019:
        return "2019"
    return "2019" if year <= 2023 and rng.random() < 0.15 else "2021"


def chapter(number: int) -> str:
    """The numeral of chapter `number` (0-based): 一 … 十, 十一 …"""
    return chinese(number + 1)


def cn_date(y: int, m: int, d: int) -> str:
    """二〇二五年一月二十日."""
    return "".join(CN_NUM[int(ch)] for ch in str(y)) + f"年{chinese(m)}月{chinese(d)}日"


def dating(rng: random.Random, year: int) -> tuple[str | None, str | None]:
    """(date as printed, YYYY-MM-DD) of the signature, or (None, None) when none is printed."""
    if rng.random() < 0.12:
        return None, None
    y, m = year + 1, rng.choice((1, 1, 1, 2, 2, 3))
    d = rng.randint(1, 28)
    style = rng.random()
    text = cn_date(y, m, d) if style < 0.3 else f"{y}年{m:02d}月{d:02d}日" if style < 0.4 else f"{y}年{m}月{d}日"
    if rng.random() < 0.1:
        text = "成文日期：" + text
    return text, f"{y:04d}-{m:02d}-{d:02d}"


def fresh(rng: random.Random, ctx: dict) -> dict:
    """The context with new small counts, so two paragraphs do not repeat the same numbers."""
    n1 = rng.randint(2, 30)
    return {**ctx, "n1": n1, "n2": rng.randint(3, 90), "n3": rng.randint(1, n1), "big": rng.randint(60, 3000)}


def context(rng: random.Random, name: str, year: int, requests: dict | None) -> dict:
    new = int(requests["new_received"]["total"]) if requests else rng.choice((0, rng.randint(1, 60)))
    r1 = rng.randint(0, new)
    n1 = rng.randint(2, 30)
    r2 = rng.randint(0, new - r1)
    return {"agency": name, "org": rng.choice(self_reference(name)), "year": year, "prev": year - 1,
            "next": year + 1, "n1": n1, "n2": rng.randint(3, 90), "n3": rng.randint(1, n1),
            "big": rng.randint(60, 3000), "r": new, "c": int(requests["carried_over"]["total"]) if requests else 0,
            "r1": r1, "r2": r2, "r3": new - r1 - r2}


# ---------------------------------------------------------------- problems section
MARKERS = ("yishi", "paren", "dot", "dun", "paren_num", "none")


def marker(style: str, i: int) -> str:
    """The enumeration marker of item i (0-based) in a style."""
    n = ORDINALS[i] if i < 10 else str(i + 1)
    return {"yishi": f"{n}是", "paren": f"（{n}）", "dot": f"{i + 1}.", "dun": f"{i + 1}、",
            "paren_num": f"（{i + 1}）", "shouxian": ("首先，", "其次，", "再次，", "最后，")[min(i, 3)],
            "none": ""}[style]


def pick_items(rng: random.Random, kind: str, k: int, ctx: dict,
               used: set[str]) -> list[list[tuple[str, str, list[str]]]]:
    """k items of problems or improvements not used yet; an item is a list of (text, type, themes)."""
    typ = "problem" if kind == "problems" else "improvement"
    chosen = rng.sample([p for p in bank()[kind] if p[0] not in used], k)
    used.update(text for text, _ in chosen)
    return [[(fill(text, ctx), typ, list(themes))] for text, themes in chosen]


def pair_items(rng: random.Random, k: int, ctx: dict, used: set[str]) -> list[list[tuple[str, str, list[str]]]]:
    """Items that state a problem and then its fix, one sentence each."""
    probs, fixes = pick_items(rng, "problems", k, ctx, used), pick_items(rng, "improvements", k, ctx, used)
    return [p + f for p, f in zip(probs, fixes)]


def item_text(item: list[tuple[str, str, list[str]]]) -> str:
    return "。".join(s[0] for s in item)


def enumerate_inline(items, style: str, sep: str) -> str:
    """Items run on in one paragraph: 一是A；二是B。 or, unmarked, A；B。"""
    if style == "none":
        sep = "；"
    return sep.join(marker(style, i) + item_text(it) for i, it in enumerate(items)) + "。"


def enumerate_paras(items, style: str) -> list[str]:
    return [marker(style, i) + item_text(it) + "。" for i, it in enumerate(items)]


def statements_of(items) -> list[dict]:
    return [{"section": "problems", "type": t, "text": text, "themes": themes}
            for item in items for text, t, themes in item]


def other(text: str) -> dict:
    return {"section": "problems", "type": "other", "text": text.rstrip("。"), "themes": []}


class ProblemWriter:
    """Writes a problems section in one style and keeps the gold statements in order."""

    def __init__(self, rng: random.Random, ctx: dict, used: set[str] | None = None):
        self.rng, self.ctx = rng, ctx
        self.paras: list[Para] = []
        self.statements: list[dict] = []
        self.used: set[str] = set() if used is None else used
        self.paired = False  # the problems run already carried each fix

    def framing(self, p: float) -> None:
        if self.rng.random() < p:
            text = pick(self.rng, "framings", self.ctx)
            self.paras.append(Para(text))
            self.statements.append(other(text))

    def block(self, kind: str, style: str | None = None) -> None:
        """One run of problems or fixes in a randomly chosen layout."""
        rng, ctx = self.rng, self.ctx
        k = rng.randint(2, 4) if kind == "problems" else rng.randint(2, 5)
        self.paired = kind == "problems" and rng.random() < 0.12
        items = pair_items(rng, k, ctx, self.used) if self.paired else pick_items(rng, kind, k, ctx, self.used)
        style = style or rng.choice(("label_inline", "lead_inline", "subhead", "paras", "plain"))
        b = bank()
        labels, leads = ("problem_labels", "problem_leads") if kind == "problems" else ("fix_labels", "fix_leads")
        if style == "label_inline":
            mark = rng.choice(MARKERS[:-1])
            self.paras.append(Para(pick(rng, labels) + "：" + enumerate_inline(items, mark, rng.choice("；。"))))
        elif style == "lead_inline":
            mark = rng.choice(MARKERS)
            self.paras.append(Para(pick(rng, leads, ctx) + "：" + enumerate_inline(items, mark, rng.choice("；。"))))
        elif style == "subhead":
            heads = b["problem_subheads"] if kind == "problems" else b["fix_subheads"]
            n = 0 if kind == "problems" else 1
            self.paras.append(Para(f"（{ORDINALS[n]}）{rng.choice(heads)}", sub=True))
            self.paras.extend(Para(t) for t in enumerate_paras(items, rng.choice(MARKERS[:-1])))
        elif style == "paras":
            if rng.random() < 0.5:
                self.paras.append(Para(pick(rng, labels) + "：", sub=True))
            else:
                lead = pick(rng, leads, ctx) + "。"
                self.paras.append(Para(lead))
                self.statements.append(other(lead))
            self.paras.extend(Para(t) for t in enumerate_paras(items, rng.choice(MARKERS[:-1] + ("shouxian",))))
        else:  # plain sentences, nothing enumerated, sometimes after a lead sentence of their own
            lead = pick(rng, leads, ctx) + "。" if rng.random() < 0.5 else ""
            if lead:
                self.statements.append(other(lead))
            self.paras.append(Para(lead + "".join(item_text(it) + "。" for it in items)))
        self.statements.extend(statements_of(items))


def problems_sections(rng: random.Random, ctx: dict, template: str, number: int) -> list[SectionSpec]:
    """One problems section, or two chapters (问题 + 改进措施) in some legacy reports."""
    h = bank()["headings"]["legacy" if template == "legacy" else "2021"]
    if template == "legacy" and rng.random() < 0.3:
        first = ProblemWriter(rng, ctx)
        second = ProblemWriter(rng, ctx, first.used)
        first.framing(0.2)
        first.block("problems", rng.choice(("lead_inline", "paras", "plain")))
        second.block("improvements", rng.choice(("lead_inline", "paras", "plain")))
        first.statements += second.statements
        return [SectionSpec("problems", f"{chapter(number)}、{rng.choice(h['problems_only'])}", first.paras),
                SectionSpec("problems", f"{chapter(number + 1)}、{rng.choice(h['fixes_only'])}", second.paras)], first.statements
    styled = problems_styles.written(rng, ctx, h["problems"], number)  # real reports' layouts
    if styled:
        return styled
    w = ProblemWriter(rng, ctx)
    w.framing(0.3)
    style = rng.choice(("label_inline", "lead_inline", "subhead", "paras", "plain", None))
    w.block("problems", style)
    if rng.random() < 0.2:
        text = f"针对上述问题，{ctx['org']}将在{ctx['next']}年重点抓好整改落实。"
        w.paras.append(Para(text))
        w.statements.append(other(text))
    if not w.paired:
        w.block("improvements", style)
    return [SectionSpec("problems", f"{chapter(number)}、{rng.choice(h['problems'])}", w.paras)], w.statements


# ---------------------------------------------------------------- other sections
def overview_2021(rng: random.Random, ctx: dict) -> list[Para]:
    parts = list(bank()["overview_parts"])
    if rng.random() < 0.15:
        rng.shuffle(parts)
    paras: list[Para] = []
    for i, part in enumerate(parts):
        texts = [fill(t, fresh(rng, ctx)) for t in rng.sample(part["paras"], 2 if rng.random() < 0.2 else 1)]
        label, how = f"（{ORDINALS[i]}）{part['label']}", rng.random()
        if how < 0.45:
            paras.append(Para(label, sub=True))
        else:
            texts[0] = label + ("。" if how < 0.75 else "：") + texts[0]
        paras += [Para(t) for t in texts]
    return paras


def numbered(heading_list: list[str], rng: random.Random, number: int) -> str:
    return f"{chapter(number)}、{rng.choice(heading_list)}"


def template_sections(rng: random.Random, ctx: dict, template: str, grids: dict) -> tuple[list[SectionSpec], list[dict]]:
    h = bank()["headings"]["2021"]
    b = bank()
    secs = [SectionSpec("overview", numbered(h["overview"], rng, 0), overview_2021(rng, ctx))]
    for i, (sid, notes) in enumerate((("proactive", b["proactive_notes"]), ("requests", None),
                                      ("review_litigation", b["review_notes"])), start=1):
        blocks: list = []
        if sid == "requests":
            notes = b["request_notes"]["zero" if ctx["r"] == 0 else "some"]
        if rng.random() < 0.4:
            blocks.append(Para(fill(rng.choice(notes), ctx)))
        blocks.append(TableBlock(sid, grids[sid]))
        if rng.random() < 0.1:  # a note under the table is still the section's text
            blocks.append(Para(fill(rng.choice(b["table_footnotes"]), ctx)))
        secs.append(SectionSpec(sid, numbered(h[sid], rng, i), blocks))
    problems, statements = problems_sections(rng, ctx, template, 4)
    secs += problems
    others = [Para(fill(t, fresh(rng, ctx))) for t in rng.sample(b["other_matters"], rng.choice((1, 1, 2)))]
    secs.append(SectionSpec("other_matters", numbered(h["other_matters"], rng, 5), others))
    return secs, statements


def legacy_sections(rng: random.Random, ctx: dict) -> tuple[list[SectionSpec], list[dict]]:
    free = legacy_chapters.written(rng, ctx)  # pre-2019 reports' free-form chapters
    if free:
        return free
    h, b = bank()["headings"]["legacy"], bank()
    def paras(key: str, k: int) -> list[Para]:
        return [Para(fill(t, fresh(rng, ctx))) for t in rng.sample(b[key], k)]
    req_key = "legacy_requests"
    plan = [("overview", h["overview"], paras("legacy_overview", rng.choice((1, 2, 2)))),
            ("proactive", h["proactive"], paras("legacy_proactive", rng.choice((1, 2)))),
            ("requests", h["requests"], [Para(fill(b[req_key][2 if ctx["r"] == 0 else rng.choice((0, 1))], ctx))])]
    if rng.random() < 0.75:
        plan.append(("other_matters", h["fees"], paras("legacy_fees", 1)))
    plan.append(("review_litigation", h["review_litigation"], paras("legacy_review", 1)))
    if ctx["year"] >= 2014 and rng.random() < 0.4:  # the old 统计表, not one of the record's tables
        plan[1][2].append(TableBlock("legacy_stats", legacy_stats_grid(rng, ctx)))
    secs = [SectionSpec(sid, numbered(heads, rng, i), blocks) for i, (sid, heads, blocks) in enumerate(plan)]
    problems, statements = problems_sections(rng, ctx, "legacy", len(secs))
    secs += problems
    secs.append(SectionSpec("other_matters", numbered(h["other_matters"], rng, len(secs)), paras("legacy_other", 1)))
    return secs, statements


def style(rng: random.Random) -> Style:
    return Style(heading_level=rng.choice((2, 2, 3, 4, 0)), title_spaced=rng.random() < 0.3, txt_wrap=rng.random() < 0.2,
                 split_in_row=rng.random() < 0.6,
                 running_header=rng.random() < 0.4, page_numbers=rng.choice(("", "- {n} -", "- {n} -", "第{n}页", "{n}")),
                 html_skin=rng.randrange(3), html_encoding="gbk" if rng.random() < 0.2 else "utf-8",
                 html_headings=rng.choice(("h3", "strong", "p")), docx_heading_styles=rng.random() < 0.4,
                 font_size=rng.choice((10.5, 11.0, 12.0)))


def report(rng: random.Random, name: str, who: tuple[str, int] | None = None,
           year: int | None = None) -> ReportSpec:
    """A complete random report (`who` = (agency, request scale) and `year` fixed: series.py)."""
    org, scale = who or agency(rng)
    year = year or rng.choices(range(2009, 2026), weights=[2] * 10 + [3] + [4] * 6)[0]
    template = template_for(rng, year)
    tables: dict = {"proactive": None, "requests": None, "review_litigation": None}
    cell_text: dict = {}
    broken = None
    grids: dict = {}
    if template != "legacy":
        broken = rng.choice(BREAKS) if rng.random() < 0.15 else None
        printer = Printer(zero=rng.choice(ZERO_STYLES), yuan=rng.random() < 0.05, thousands=rng.random() < 0.1)
        tables, cell_text, grids = make_tables(rng, template, scale, printer, broken)
    ctx = context(rng, org, year, tables["requests"])
    title = fill(rng.choice(bank()["titles"][template]), ctx)
    st = style(rng)
    if st.title_spaced:
        title = title.replace(str(year), f" {year} ")
    lead = [pick(rng, "legacy_leads" if template == "legacy" else "leads", ctx)]
    if template == "legacy":
        sections, statements = legacy_sections(rng, ctx)
    else:
        sections, statements = template_sections(rng, ctx, template, grids)
    date_text, report_date = dating(rng, year)
    if date_text and ctx.get("zero_char"):  # 二○一三年 as often as 二〇一三年
        date_text = date_text.replace("〇", ctx["zero_char"])
    signature = org if date_text is None or rng.random() < 0.9 else None
    return ReportSpec(name=name, agency=org, year=year, template=template, title=title, lead=lead,
                      sections=sections, signature=signature, date_text=date_text, report_date=report_date,
                      tables=tables, cell_text=cell_text, statements=statements, broken=broken, style=st,
                      appendix=ctx.get("appendix", []))
