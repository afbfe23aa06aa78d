"""Compose data/statements_generated.jsonl from the phrase bank (bank.py) and the hand-written
hard phrasings and `other` sentences (hand.py), seeded:

    python3 data/statement_bank/gen.py data/statements_generated.jsonl

Never put held-out wording here: data/statements_heldout.jsonl is written apart and only reported on.
"""
import json, random, sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from bank import P, I
from hand import HARD, OTHER
rng = random.Random(20261201)
SUBJ = ["我局", "我镇", "街道", "我委", "我办", "县政府", "区人民政府", "部分科室", "个别单位", "少数部门",
        "本机关", "乡政府", "我单位", "市直部门", "各街道", "部分委办局", "", "", "", ""]
OLD_LEAD = ["政府信息公开工作起步不久，", "由于工作刚起步，", "条例实施以来，", ""]
NEW_LEAD = ["对照新形势新要求，", "与群众期待相比，", "", ""]
TAILS = ["", "", "", "，需要进一步改进", "，有待加强", "，还有提升空间", "，仍需下功夫", "，与上级要求还有差距"]
ITAILS = ["", "", "", "，不断提升政务公开工作水平", "，切实把各项工作落到实处", "，推动工作再上新台阶", "，更好地服务社会公众"]
CAUSE = ["由于", "因", ""]
EFFECT = ["，导致", "，造成", "，致使", "，以致"]
CAUSE_T = ["staff_capacity", "awareness_attention", "institutional_mechanism", "review_quality_control", "publicity_outreach"]
EFFECT_T = ["timeliness_update", "content_coverage", "disclosure_standardization", "platform_channels", "application_handling"]
ids = list(P)
rows, seen = [], set()
def add(text, label, themes, era):
    if text in seen: return
    seen.add(text); rows.append({"text": text, "label": label, "themes": [t for t in ids if t in themes], "format_era": era})
def era(): return rng.choice(["old", "2021_standard"])
def prob(t): return rng.choice(P[t])
def imp(t): return rng.choice(I[t])
def subj(frag):
    s = rng.choice(SUBJ)
    return s + frag if s and not frag.startswith(("部分", "个别", "少数", "有的", "一些", "各")) else frag
# singles: every clause once as a statement
for t in ids:
    for p in P[t]:
        e = era(); lead = rng.choice(OLD_LEAD if e == "old" else NEW_LEAD)
        add(lead + subj(p) + rng.choice(TAILS), "problem", [t], e)
    for i in I[t]:
        e = era(); pre = rng.choice(["", "", "进一步", "下一步将", "我们将", "继续"])
        if i.startswith("进一步") and pre == "进一步": pre = ""
        add(pre + i + rng.choice(ITAILS), "improvement", [t], e)
# pairs and triples
for n in range(900):
    k = 2 if n % 5 else 3
    ts = rng.sample(ids, k)
    if n % 2:
        parts = [prob(t) for t in ts]
        joiner = rng.choice(["，", "，", "；", "、"])
        text = subj(joiner.join(parts)) if joiner != "、" else subj("、".join(parts)) + rng.choice(["等问题依然存在", "等问题还不同程度存在", ""])
        add(text + rng.choice(TAILS[:3]), "problem", ts, era())
    else:
        parts = [imp(t) for t in ts]
        add("，".join(parts) + rng.choice(ITAILS), "improvement", ts, era())
# cause and effect
for n in range(120):
    c, e_ = rng.choice(CAUSE_T), rng.choice(EFFECT_T)
    add(rng.choice(CAUSE) + subj(prob(c)) + rng.choice(EFFECT) + prob(e_), "problem", [c, e_], era())
for text, label, th in HARD:
    add(text, label, th, "extra")
# other: framing and facts, with a few agency-kind variants
for o in OTHER:
    add(o, "other", [], "extra")
    for s in ("我局", "我镇", "街道", "我委"):
        if o.startswith(("我局", "我镇", "我委", "我办", "街道")):
            add(s + o[2:], "other", [], "extra")
out = sys.argv[1]
with open(out, "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
import collections
print(len(rows), collections.Counter(r["label"] for r in rows))
print(sorted(collections.Counter(t for r in rows for t in r["themes"]).items(), key=lambda x: x[1]))
