"""Problems sections as real reports write them: the generator's real-world enumeration styles.

Beside compose.py's classic layouts, a share of generated reports (config/problems_styles.yaml)
writes its problems section the way agencies do, each with its gold statements:

- `subheads`: （一）主要问题 / （二）改进措施 sub-heads (sometimes with ASCII parentheses), problems
  as 一是…；二是…。 in one paragraph, fixes one per paragraph, some a heading sentence plus its
  explanation;
- `biaoxian`: a framing …，主要表现在：一是…；二是…。 (the lead-in is `other`);
- `ru_deng`: a framing sentence, then the problems as one 、-list 如……等 (ONE statement), then
  针对存在问题，下一步…以下工作：一是…二是… in the same paragraph;
- `heading_items`: 一是H。E。二是H。E。 inline, each heading sentence plus explanation one statement;
- `semicolon_fixes`: fixes joined by ； in one sentence without a colon (下一步，我局将A；B；C。), one
  statement each;
- `nested`: problems inline, a lead-in closing the paragraph (…改进：), then （一）… items, a
  group sub-head （二）… (`other`) and 1、2、… items under it.

Sub-heads and labels are not statements; lead-ins and framing sentences are `other`.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from ..settings import load_yaml
from . import compose
from .model import Para, ReportSpec, SectionSpec
from .phrases import bank, fill, self_reference

Item = list[tuple[str, str, list[str]]]
# a clause that judges (fit to stand in a 如……等 list of problems)
_JUDGES = re.compile("不够|不足|有待|偏少|偏低|较少|不强|不高|滞后|单一|薄弱|不及时|不规范|不到位|不严格|不健全|缺乏|欠缺|不平衡|不完整")
MAX_THEMES = 3


@lru_cache(maxsize=1)
def config() -> dict:
    return load_yaml("problems_styles.yaml")


def derived(rng: random.Random) -> random.Random:
    """A generator seeded from `rng`'s state without drawing from it, so reports that keep
    compose.py's classic layouts come out exactly as before."""
    return random.Random(hash(rng.getstate()[1]))


def written(rng: random.Random, ctx: dict, headings: list[str], number: int) -> tuple[list[SectionSpec], list[dict]] | None:
    """For `share` of reports: the problems section in one real style and its gold; else None."""
    sub = derived(rng)
    if sub.random() >= float(config()["share"]):
        return None
    paras, statements = write(sub, ctx, sub.choice(config()["styles"]))
    return [SectionSpec("problems", f"{compose.chapter(number)}、{sub.choice(headings)}", paras)], statements


def write(rng: random.Random, ctx: dict, style: str) -> tuple[list[Para], list[dict]]:
    """Given a style name, return the problems section's paragraphs and gold statements."""
    if style not in STYLES:
        raise ValueError(f"unknown problems style {style!r}; choose from {', '.join(STYLES)}")
    out = Out(rng, ctx)
    STYLES[style](out)
    return out.paras, out.statements


class Out:
    """The paragraphs and gold statements being written, and the phrases drawn for them."""

    def __init__(self, rng: random.Random, ctx: dict):
        self.rng, self.ctx = rng, ctx
        self.paras: list[Para] = []
        self.statements: list[dict] = []
        self.used: set[str] = set()

    def phrase(self, key: str) -> str:
        return fill(self.rng.choice(config()[key]), self.ctx)

    def items(self, kind: str, low: int, high: int, explained: float = 0.0) -> list[Item]:
        """Problems or fixes from the phrase bank; a share `explained` as heading + explanation."""
        picked = compose.pick_items(self.rng, kind, self.rng.randint(low, high), self.ctx, self.used)
        return [explain(it) if self.rng.random() < explained else it for it in picked]

    def say(self, *statements: dict) -> None:
        self.statements.extend(statements)

    def add(self, text: str, sub: bool = False) -> None:
        self.paras.append(Para(text, sub=sub))


def explain(item: Item) -> Item:
    """`A，B，C` -> `A。B，C`: a heading sentence and its explanation (one statement)."""
    text, kind, themes = item[0]
    head, sep, rest = text.partition("，")
    if not sep or len(head) < 4 or len(rest) < 6:
        return item
    return [(f"{head}。{rest}", kind, themes)]


def found(items: list[Item]) -> list[dict]:
    return compose.statements_of(items)


def other(text: str) -> dict:
    return compose.other(text.rstrip("：:"))


def inline(items: list[Item], sep: str = "；") -> str:
    return compose.enumerate_inline(items, "yishi", sep)


def subheads(out: Out) -> None:
    """（一）主要问题 一是…；二是…。 （二）改进措施 一是….(one per paragraph)"""
    heads = out.rng.choice(config()["subheads"])
    opening, closing = ("(", ")") if out.rng.random() < float(config()["ascii_parens"]) else ("（", "）")
    out.add(f"{opening}一{closing}{heads[0]}", sub=True)
    problems = out.items("problems", 2, 4)
    lead = out.phrase("problem_leads") if out.rng.random() < 0.5 else ""
    out.add((lead + "：" if lead else "") + inline(problems))
    if lead:
        out.say(other(lead))
    out.say(*found(problems))
    out.add(f"（二）{heads[1]}", sub=True)
    fixes = out.items("improvements", 2, 5, explained=0.6)
    for para in compose.enumerate_paras(fixes, "yishi"):
        out.add(para)
    out.say(*found(fixes))


def biaoxian(out: Out) -> None:
    """…，主要表现在：一是…；二是…。 下一步…以下工作：一是…。二是…。"""
    lead = f"{out.phrase('gap_framings')}，{out.rng.choice(config()['shown_in'])}"
    problems = out.items("problems", 2, 4)
    out.add(f"{lead}：{inline(problems)}")
    out.say(other(lead), *found(problems))
    fix_lead(out, same_paragraph=out.rng.random() < 0.5)


def fix_lead(out: Out, same_paragraph: bool, explained: float = 0.3) -> None:
    """A fix lead-in with its items inline (一是…。二是…。), in the last paragraph or a new one."""
    lead = out.phrase("fix_leads")
    fixes = out.items("improvements", 2, 4, explained=explained)
    text = f"{lead}：{inline(fixes, '。')}"
    if same_paragraph and out.paras:
        out.paras[-1] = Para(out.paras[-1].text + text)
    else:
        out.add(text)
    out.say(other(lead), *found(fixes))


def ru_deng(out: Out) -> None:
    """A framing sentence。如A、B、C等。针对存在问题，下一步…以下工作：一是…。(one paragraph)"""
    frame = out.phrase("gap_framings")
    problems = [it for it in out.items("problems", 4, 6) if judging_clause(it)][:3]
    if len(problems) < 2:  # too few short judging clauses: a 主要表现在 run instead
        out.used.clear()
        return biaoxian(out)
    listed = "如" + "、".join(judging_clause(it) for it in problems) + "等"
    themes = list(dict.fromkeys(th for it in problems for th in it[0][2]))[:MAX_THEMES]
    out.add(f"{frame}。{listed}。")
    out.say(other(frame), {"section": "problems", "type": "problem", "text": listed, "themes": themes})
    fix_lead(out, same_paragraph=True, explained=0.4)


def judging_clause(item: Item) -> str | None:
    """The item's first clause that judges (…不够及时), to stand in a 、-list, or None."""
    return next((c for c in item[0][0].split("，") if _JUDGES.search(c) and len(c) <= 20), None)


def heading_items(out: Out) -> None:
    """…但还存在一些不足，一是H。E。二是H。E。 then 下一步…以下几方面工作：一是…。二是…。三是H。E。"""
    frame = out.phrase("gap_framings")
    problems = out.items("problems", 2, 3, explained=1.0)
    out.add(f"{frame}，{inline(problems, '。')}")
    out.say(*found(problems))
    fix_lead(out, same_paragraph=False, explained=0.5)


def semicolon_fixes(out: Out) -> None:
    """Problems (sub-headed or after a lead-in), then 下一步，我局将A；B；C。 without a colon."""
    headed = out.rng.random() < 0.5
    if headed:
        out.add(f"（一）{out.rng.choice(config()['subheads'])[0]}", sub=True)
    lead = f"{out.phrase('gap_framings')}，{out.rng.choice(config()['shown_in'])}"
    problems = out.items("problems", 2, 3)
    out.add(f"{lead}：{inline(problems)}")
    out.say(other(lead), *found(problems))
    if headed:
        out.add(f"（二）{out.rng.choice(config()['subheads'])[1]}", sub=True)
    fixes = [it for it in out.items("improvements", 3, 5) if not it[0][0].startswith(("下一步", "今后"))]
    opener = out.phrase("semicolon_openers")
    first = [(opener + fixes[0][0][0], *fixes[0][0][1:])]
    fixes = [first] + fixes[1:]
    out.add("；".join(it[0][0] for it in fixes) + "。")
    out.say(*found(fixes))


def nested(out: Out) -> None:
    """frame。一是…；二是…。为此…改进： then （一）H。E。 （二）group head  1、… 2、…"""
    frame = out.phrase("gap_framings")
    problems = out.items("problems", 2, 4)
    lead = out.phrase("fix_leads")
    out.add(f"{frame}。{inline(problems)}{lead}：")
    out.say(other(frame), *found(problems), other(lead))
    firsts = out.items("improvements", 1, 2, explained=1.0)
    for i, it in enumerate(firsts):
        out.add(f"（{compose.ORDINALS[i]}）{compose.item_text(it)}。")
    out.say(*found(firsts))
    group = out.rng.choice(config()["group_heads"])
    out.add(f"（{compose.ORDINALS[len(firsts)]}）{group}")
    out.say(other(group))
    numbered = out.items("improvements", 2, 4)
    for para in compose.enumerate_paras(numbered, "dun"):
        out.add(para)
    out.say(*found(numbered))


STYLES = {"subheads": subheads, "biaoxian": biaoxian, "ru_deng": ru_deng, "heading_items": heading_items,
          "semicolon_fixes": semicolon_fixes, "nested": nested}


def restyle(spec: ReportSpec, style: str, rng: random.Random) -> ReportSpec:
    """The same report with its problems section (one, where a legacy report had two chapters)
    rewritten in `style`, and the gold statements to match (tests, benchmarks)."""
    at = next(i for i, s in enumerate(spec.sections) if s.id == "problems")
    ctx = {"org": rng.choice(self_reference(spec.agency)), "year": spec.year, "prev": spec.year - 1,
           "next": spec.year + 1, "agency": spec.agency}
    paras, statements = write(rng, ctx, style)
    rest = [s for s in spec.sections[at + 1:] if s.id != "problems"]
    number = spec.sections[at].heading.split("、")[0]
    heading = rng.choice(bank()["headings"]["legacy" if spec.template == "legacy" else "2021"]["problems"])
    spec.sections = spec.sections[:at] + [SectionSpec("problems", f"{number}、{heading}", paras)] + rest
    spec.statements = statements
    return spec
