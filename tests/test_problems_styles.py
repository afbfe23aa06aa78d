"""Problems sections as real reports write them: generated in each style, rendered, parsed back
to exactly the generator's gold statements (labels are not statements, lead-ins are `other`)."""
from __future__ import annotations

import random

import pytest

from ingest.corpus import problems_styles, specs
from ingest.corpus.generate import render
from ingest.evaluate import score_records
from ingest.pipeline import parse_bytes

FORMATS = ("txt", "html", "docx", "pdf")


def styled(style: str, seed: int):
    spec = next(specs(1, seed=seed, prefix=f"ps-{style}-"))
    return problems_styles.restyle(spec, style, random.Random(f"{style}:{seed}"))


@pytest.mark.parametrize("style", sorted(problems_styles.STYLES))
@pytest.mark.parametrize("turn", range(2))
def test_each_style_parses_to_its_gold_statements(style, turn):
    index = sorted(problems_styles.STYLES).index(style) + turn
    fmt = FORMATS[index % len(FORMATS)]
    doc = render(styled(style, seed=turn), fmt)
    got = parse_bytes(doc.data, doc.filename).to_json_dict()
    gold = doc.record.to_json_dict()
    summary = score_records([gold], [got])["statements"]
    assert summary["f1"] == 1.0, (fmt, [(s["type"], s["text"]) for s in got["statements"]])
    assert summary["tp"] == sum(s["type"] != "other" for s in gold["statements"])


def test_labels_are_not_statements_and_lead_ins_are_other():
    paras, gold = problems_styles.write(random.Random(3), {"org": "我局", "year": 2024, "next": 2025, "prev": 2023},
                                        "subheads")
    subs = [p.text for p in paras if p.sub]
    assert len(subs) == 2 and not any(s["text"] in subs[0] or s["text"] in subs[1] for s in gold)
    paras, gold = problems_styles.write(random.Random(5), {"org": "我局", "year": 2024, "next": 2025, "prev": 2023},
                                        "ru_deng")
    kinds = [s["type"] for s in gold]
    assert kinds[:3] == ["other", "problem", "other"] and set(kinds[3:]) == {"improvement"}
    assert gold[1]["text"].startswith("如") and gold[1]["text"].endswith("等") and "、" in gold[1]["text"]
    assert len(paras) == 1  # framing, the 如……等 list, the lead-in and the fixes in one paragraph


def test_semicolon_fixes_are_one_statement_each():
    paras, gold = problems_styles.write(random.Random(1), {"org": "本机关", "year": 2024, "next": 2025, "prev": 2023},
                                        "semicolon_fixes")
    fixes = [s["text"] for s in gold if s["type"] == "improvement"]
    assert paras[-1].text == "；".join(fixes) + "。" and len(fixes) >= 2


def test_a_share_of_generated_reports_uses_the_real_styles_and_the_rest_is_unchanged():
    plain = [s for s in specs(40, seed=11)]
    restyled = sum(any(p.text.startswith(("(一)", "（一）")) or "如" in p.text and "等。" in p.text
                       for s in r.sections if s.id == "problems" for p in s.blocks) for r in plain)
    assert restyled > 0
    again = [s for s in specs(40, seed=11)]
    assert [s.statements for s in plain] == [s.statements for s in again]


def test_unknown_style_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown problems style"):
        problems_styles.write(random.Random(0), {"org": "我局"}, "zigzag")
