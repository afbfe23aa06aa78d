"""Score predicted records against gold records: the product's own yardstick.

`score_records(gold, pred)` takes two aligned lists of record dicts (a missing prediction is
None or {}) and returns the summary the project's scorer reports, with the same definitions:

- meta fields (agency, year, template, report_date, title): exact after normalisation;
- section_sentences: share of gold sentences (4+ chars) found inside the predicted text of
  the section with the same id;
- table_cells: share of gold cells with the same number under the same table/row/column;
- statements: problem/improvement statements matched one-to-one by text similarity (>= 0.8)
  and counted only when the type agrees; a prediction matching a gold `other` is not a false
  alarm; a matched pair of the wrong type counts once missed and once false;
- themes: theme ids of correctly matched statements, micro P/R/F1;
- checks: a document is right when every gold rule has the same ok in the prediction.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

META_KEYS = ("agency", "year", "template", "report_date", "title")
SCORED_TYPES = {"problem", "improvement"}
SIMILAR = 0.8
_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|\d+是|其[一二三四五六七八九十]+|[（(][一二三四五六七八九十\d]+[）)]|"
    r"[一二三四五六七八九十]+、|\d+[.、．]|首先|其次|再次|最后|此外|另外)\s*[，,：:]?")
_PUNCT_SPACE = re.compile(r"[\s\u3000，,。.；;：:、！!？?“”\"'‘’（）()《》<>【】\[\]—\-…·]")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")


def normalize(text) -> str:
    """NFKC with whitespace and punctuation dropped."""
    return _PUNCT_SPACE.sub("", unicodedata.normalize("NFKC", text)) if text else ""


def statement_key(text) -> str:
    return normalize(_MARKER.sub("", unicodedata.normalize("NFKC", text or "")))


def gold_sentences(text: str) -> list[str]:
    pieces = (normalize(p) for p in _SENTENCE_END.split(unicodedata.normalize("NFKC", text or "")))
    return [p for p in pieces if len(p) >= 4]


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else (0.0 if fn else 1.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


class Share:
    """hits / trials, None when nothing was tried."""

    def __init__(self) -> None:
        self.hits = self.trials = 0

    def add(self, hit: bool) -> bool:
        self.hits += int(bool(hit))
        self.trials += 1
        return bool(hit)

    def value(self) -> float | None:
        return self.hits / self.trials if self.trials else None


def meta_hit(gold_value, pred_value) -> bool:
    if gold_value is None:
        return pred_value is None
    return normalize(str(gold_value)) == normalize(str(pred_value))


def flat_cells(tables) -> dict[tuple[str, str, str], object]:
    return {(t, r, c): v for t, rows in (tables or {}).items() for r, cols in (rows or {}).items()
            for c, v in (cols or {}).items()}


def equal_numbers(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def pair_statements(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """Greedy one-to-one pairing by similarity, best pairs first: gold index -> pred index."""
    gkeys = [statement_key(g.get("text")) for g in gold]
    pkeys = [statement_key(p.get("text")) for p in pred]
    scored = sorted(((similarity(g, p), gi, pi) for gi, g in enumerate(gkeys) if g
                     for pi, p in enumerate(pkeys) if p), reverse=True)
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for ratio, gi, pi in scored:
        if ratio < SIMILAR:
            break
        if gi not in pairs and pi not in taken:
            pairs[gi] = pi
            taken.add(pi)
    return pairs


def statement_counts(gold_rec: dict, pred_rec: dict) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """((tp, fp, fn) of statements, (tp, fp, fn) of themes) for one document."""
    gold = [s for s in gold_rec.get("statements", []) if s.get("type") in SCORED_TYPES]
    pred = [s for s in pred_rec.get("statements") or [] if s.get("type") in SCORED_TYPES]
    framing = [statement_key(s.get("text")) for s in gold_rec.get("statements", [])
               if s.get("type") not in SCORED_TYPES]
    pairs = pair_statements(gold, pred)
    tp = fn = fp = 0
    th = [0, 0, 0]
    for gi, g in enumerate(gold):
        p = pred[pairs[gi]] if gi in pairs else None
        gthemes = set(g.get("themes", []))
        if p is not None and p.get("type") == g.get("type"):
            tp += 1
            pthemes = set(p.get("themes") or [])
            th[0] += len(gthemes & pthemes)
            th[1] += len(pthemes - gthemes)
            th[2] += len(gthemes - pthemes)
        else:
            fn += 1
            th[2] += len(gthemes)
            fp += p is not None  # the wrongly typed prediction is also a false alarm
    matched = set(pairs.values())
    for pi, p in enumerate(pred):
        if pi in matched:
            continue
        key = statement_key(p.get("text"))
        if not any(f and similarity(f, key) >= SIMILAR for f in framing):
            fp += 1
    return (tp, fp, fn), tuple(th)


def score_document(gold: dict, pred: dict, shares: dict[str, Share]) -> dict:
    """Add one document's trials to `shares`; return its per-document view."""
    doc: dict = {"missing": not pred}
    gmeta, pmeta = gold.get("meta", {}), pred.get("meta") or {}
    for key in META_KEYS:
        if key in gmeta:
            doc[key] = shares[key].add(meta_hit(gmeta[key], pmeta.get(key)))
    bodies: dict[str, str] = {}
    for sec in pred.get("sections") or []:
        bodies[sec.get("id")] = bodies.get(sec.get("id"), "") + normalize(sec.get("text"))
    own = Share()
    for sec in gold.get("sections", []):
        for sentence in gold_sentences(sec.get("text", "")):
            own.add(shares["section_sentences"].add(sentence in bodies.get(sec["id"], "")))
    doc["section_sentences"] = own.value()
    gcells, pcells = flat_cells(gold.get("tables")), flat_cells(pred.get("tables"))
    own = Share()
    for key, value in gcells.items():
        own.add(shares["table_cells"].add(key in pcells and equal_numbers(pcells[key], value)))
    doc["table_cells"] = own.value()
    rules = {c["rule"]: c["ok"] for c in gold.get("checks", [])}
    if rules:
        predicted = {c.get("rule"): c.get("ok") for c in pred.get("checks") or []}
        doc["checks"] = shares["checks"].add(all(predicted.get(r) == ok for r, ok in rules.items()))
    return doc


def score_records(gold: list[dict], pred: list[dict | None], names: list[str] | None = None) -> dict:
    """The summary over aligned gold and predicted records (see module docstring)."""
    if len(pred) != len(gold):
        raise ValueError(f"{len(gold)} gold records but {len(pred)} predictions")
    shares = {k: Share() for k in (*META_KEYS, "section_sentences", "table_cells", "checks")}
    st, th = [0, 0, 0], [0, 0, 0]
    spurious = 0
    per_doc = {}
    for i, (g, p) in enumerate(zip(gold, pred)):
        p = p or {}
        doc = score_document(g, p, shares)
        (s_tp, s_fp, s_fn), (t_tp, t_fp, t_fn) = statement_counts(g, p)
        st = [st[0] + s_tp, st[1] + s_fp, st[2] + s_fn]
        th = [th[0] + t_tp, th[1] + t_fp, th[2] + t_fn]
        doc["statements"] = prf(s_tp, s_fp, s_fn)["f1"]
        gtables = g.get("tables") or {}
        spurious += sum(1 for name, t in (p.get("tables") or {}).items() if t and not gtables.get(name))
        per_doc[names[i] if names else str(i)] = doc
    out: dict = {k: v.value() for k, v in shares.items()}
    out.update(statements=prf(*st), themes=prf(*th), spurious_tables=spurious, documents=len(gold),
               missing=sum(1 for d in per_doc.values() if d["missing"]), per_document=per_doc)
    return out


def worst_fields(summary: dict) -> list[tuple[str, float]]:
    """The scalar metrics from lowest to highest (what to fix first)."""
    flat = {k: v for k, v in summary.items() if isinstance(v, float)}
    for group in ("statements", "themes"):
        flat[f"{group}_f1"] = summary[group]["f1"]
    return sorted(flat.items(), key=lambda kv: kv[1])
