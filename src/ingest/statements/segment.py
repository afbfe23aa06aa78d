"""Section text -> candidate statements, each with the context it was found in.

Per RECORD.md: one candidate per enumerated item (一是, （一）, 1., 1、, 首先…), per item of a
；-separated run (after a colon lead-in or not), or per sentence where nothing is enumerated. Sub-headings
and bare labels (（一）存在的主要问题, 改进措施：) are not candidates; they set the `context`
(problem / improvement) of what follows. Lead-ins (…存在以下问题：) and framing sentences set a
weaker `hint`. Markers, labels and cues are data in config/statements.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..record import Section
from ..settings import load_yaml

SENTENCE_END = "。！？!?"
PUNCTUATION = re.compile(r"[。！？!?，,、；;：:]")
TRIM = " \t\u3000，,；;。：:"
_SENTENCES = re.compile(r"[^。！？!?]+[。！？!?]*")


@dataclass
class Candidate:
    """One would-be statement and what surrounds it."""

    section: str
    text: str
    context: str | None = None     # from a sub-heading, a label or a one-kind chapter heading
    hint: str | None = None        # from the lead-in or framing sentence before it
    enumerated: bool = False       # an enumerated or ；-listed item, not a free sentence
    sentences: list[str] = field(default_factory=list)
    clause: bool = False           # a ；-clause of a free sentence (A；B；C。 without a colon)


@dataclass
class _State:
    section: str
    context: str | None = None
    hint: str | None = None
    active: bool = True


@lru_cache(maxsize=1)
def rules() -> dict:
    """config/statements.yaml, with its regexes compiled."""
    cfg = load_yaml("statements.yaml")
    markers = "|".join(f"(?:{m})" for m in cfg["markers"])
    labels = cfg["labels"]
    all_labels = sorted((lab for kind in labels.values() for lab in kind), key=len, reverse=True)
    return {
        "marker_at": re.compile(rf"(?:^|(?<=[。；;：:！？!?，,\s]))\s*(?:{markers})"),
        "marker_start": re.compile(rf"^\s*(?:{markers})\s*"),
        "label_prefix": re.compile(
            rf"^\s*(?:(?:{markers})\s*)?(?P<label>[^，。；：,:]{{0,12}}?(?:{'|'.join(map(re.escape, all_labels))}))"
            r"\s*[：:]\s*"),
        "labels": labels,
        "max_label_chars": int(cfg.get("max_label_chars", 30)),
        "label_tails": sorted(cfg.get("label_tails") or [], key=len, reverse=True),
        "max_heading_chars": int(cfg.get("max_heading_chars", 20)),
        "framing": [re.compile(p) for p in cfg["framing"]["patterns"]],
        "hint": cfg["framing"]["hint"],
        "lead_in_max": int(cfg["framing"].get("lead_in_max_chars", 80)),
        "min_chars": int(cfg["skip"].get("min_chars", 4)),
        "dates": [re.compile(p) for p in cfg["skip"].get("dates", [])],
        "skip": [re.compile(p) for p in cfg["skip"]["patterns"] + cfg["skip"].get("dates", [])],
    }


def is_furniture(text: str) -> bool:
    """Given a line, say whether it is a date, a signature or a page number."""
    return any(p.search(text.strip()) for p in rules()["skip"])


def is_signature_date(line: str) -> bool:
    """Given a line, say whether it is a 落款 date alone (2025年1月20日, 二〇二五年一月二十日)."""
    return any(p.search(line.strip()) for p in rules()["dates"])


def is_noise(text: str) -> bool:
    """Given a cleaned fragment, say whether it cannot be a statement (too short, furniture)."""
    return len(text.strip()) < rules()["min_chars"] or is_furniture(text)


def label_kind(text: str) -> str | None:
    """Given a label or heading, return problem / improvement / mixed, or None if it is neither."""
    found = {kind for kind, labs in rules()["labels"].items() if any(lab in text for lab in labs)}
    if len(found) == 2:
        return "mixed"
    return found.pop() if found else None


def strip_marker(text: str) -> str:
    return rules()["marker_start"].sub("", text, count=1)


def sub_heading_kind(line: str) -> str | None:
    """Given a line, return its kind if the whole line is a sub-heading or bare label."""
    body = strip_marker(line).strip(TRIM)
    if not body or len(body) > rules()["max_label_chars"] or re.search(r"[。；;，,]", body):
        return None
    # chapter-style headings (二、改进措施) are stripped above; a body is a heading only if it ends
    # in a label, or in a label and a tail such as 及原因 (存在的问题及原因)
    kind = label_kind(body)
    for tail in rules()["label_tails"]:
        if body.endswith(tail) and len(body) > len(tail):
            body = body[: -len(tail)]
            break
    if kind and any(body.endswith(lab) for labs in rules()["labels"].values() for lab in labs):
        return kind
    return None


def hint_kind(text: str) -> str | None:
    """Given a lead-in or framing sentence, return the kind of items it announces, if any."""
    for kind in ("improvement", "problem"):
        if any(cue in text for cue in rules()["hint"][kind]):
            return kind
    return None


def is_framing(sentence: str) -> bool:
    """Given a sentence, say whether it frames the items rather than states one."""
    s = sentence.strip().rstrip("。！？!?")
    return any(p.search(s) for p in rules()["framing"])


def sentences(text: str) -> list[str]:
    """Given text, return its sentences (terminators kept)."""
    return [m.group(0).strip() for m in _SENTENCES.finditer(text) if m.group(0).strip(TRIM)]


def clean(text: str) -> str:
    return text.strip(TRIM).strip()


def split_items(text: str) -> tuple[str, list[str]]:
    """Given text, return (text before the first marker, [items without markers])."""
    starts = [m.start() for m in rules()["marker_at"].finditer(text)]
    if not starts:
        return text, []
    bounds = starts + [len(text)]
    items = [strip_marker(text[a:b]) for a, b in zip(bounds, bounds[1:])]
    return text[: starts[0]], [i for i in (clean(x) for x in items) if i]


def colon_list(text: str) -> tuple[str, list[str], str] | None:
    """Given text `lead-in：A；B；C。rest`, return (lead-in, [A, B, C], rest), else None; a
    single item A counts when the lead-in is a framing one (…还存在以下问题：A。)."""
    m = re.search(r"[：:]", text)
    if not m or m.start() > rules()["lead_in_max"]:
        return None
    lead, remainder = text[: m.end()], text[m.end():]
    if any(ch in lead[:-1] for ch in SENTENCE_END):
        return None
    end = next((i for i, ch in enumerate(remainder) if ch in SENTENCE_END), len(remainder))
    run, rest = remainder[: end + 1], remainder[end + 1:]
    parts = [clean(p) for p in re.split(r"[；;]", run)]
    parts = [p for p in parts if p]
    if len(parts) < 2 and not (parts and hint_kind(lead) and is_framing(lead)):
        return None  # one item after a colon only when the lead-in announces items (…存在以下问题：)
    return lead, parts, rest


def semicolon_run(sentence: str) -> list[str] | None:
    """Given a free sentence `A；B；C。` (no colon lead-in), return [A, B, C], one item per
    ；-clause (下一步，我局将加强…；完善…；…。), or None where it has fewer than two."""
    parts = [clean(p) for p in re.split(r"[；;]", sentence)]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 and not any(is_noise(p) for p in parts) else None


def _item(state: _State, text: str) -> Candidate:
    return Candidate(state.section, text, state.context, state.hint, True, sentences(text))


def _items(state: _State, items: list[str]) -> list[Candidate]:
    """One candidate per item; a framing sentence that closes an item (…将采取以下措施。)
    is a candidate of its own and announces the kind of the items after it."""
    out: list[Candidate] = []
    for item in items:
        if is_noise(item):
            continue
        sents = sentences(item)
        if len(sents) > 1 and sub_heading_kind(sents[-1]):  # …不够。整改措施：一是…
            out.append(_item(state, clean("".join(sents[:-1]))))
            _label(state, sub_heading_kind(sents[-1]))
        elif len(sents) > 1 and is_framing(sents[-1]):
            out.append(_item(state, clean("".join(sents[:-1]))))
            out.extend(_free(state, sents[-1]))
        else:
            out.append(_item(state, item))
    return out


def _free(state: _State, text: str) -> list[Candidate]:
    """Free sentences: one candidate each; framing ones also set the hint for what follows."""
    out = []
    for sent in sentences(text):
        body = clean(sent)
        if is_noise(body) or not PUNCTUATION.search(sent):
            continue  # a line without any punctuation is a caption, a link or a name
        listed = colon_list(sent)
        if listed:
            out.extend(_listed(state, *listed))
            continue
        run = semicolon_run(sent)
        if run:
            out.extend(Candidate(state.section, p, state.context, state.hint, False, [p], clause=True) for p in run)
            continue
        out.append(Candidate(state.section, body, state.context, state.hint, False, [sent]))
        if is_framing(sent) or not state.context:
            _announce(state, hint_kind(sent))
    return out


def _announce(state: _State, kind: str | None) -> None:
    """A lead-in or framing sentence announces `kind` items; a different label context ends."""
    if kind:
        state.hint = kind
        if state.context and state.context != kind:
            state.context = None


def _listed(state: _State, lead: str, items: list[str], rest: str) -> list[Candidate]:
    _announce(state, hint_kind(lead))
    out = _items(state, items)
    return out + (_run(state, rest) if rest.strip(TRIM) else [])


_LABEL_SENTENCE = re.compile(r"^([^。；;，,：:]{1,40}?)。")


def _label(state: _State, kind: str) -> None:
    """A sub-heading or label of `kind` (problem / improvement / mixed) starts here."""
    state.context = None if kind == "mixed" else kind
    state.hint, state.active = None, True


def _run(state: _State, text: str) -> list[Candidate]:
    """A run of text (a line, or what follows a label) -> candidates, updating the state."""
    label = rules()["label_prefix"].match(text)
    head = _LABEL_SENTENCE.match(text) if rules()["marker_start"].match(text) else None
    if label and label_kind(label.group("label")):
        _label(state, label_kind(label.group("label")))
        text = text[label.end():]
    elif head and sub_heading_kind(head.group(1)):  # （一）存在的主要问题。X…
        _label(state, sub_heading_kind(head.group(1)))
        text = text[head.end():]
    if not state.active:
        return []
    pre, items = split_items(text)
    if not items:
        listed = colon_list(text)
        return _listed(state, *listed) if listed else _free(state, text)
    out = []
    if pre.strip(TRIM):
        head = sentences(pre)
        if head and re.search(r"[：:，,]\s*$", head[-1]):
            out.extend(_free(state, "".join(head[:-1])))
            _announce(state, hint_kind(head[-1]))
        else:
            out.extend(_free(state, pre))
    return out + _items(state, items)


def marked_heading(line: str) -> bool:
    """A short line that opens with a marker and has no punctuation: a heading of items."""
    body = strip_marker(line)
    return body != line and 0 < len(body) <= rules()["max_heading_chars"] and not PUNCTUATION.search(body)


def join_wrapped(lines: list[str]) -> list[str]:
    """Rejoin lines broken mid-sentence (a PDF line wrap): a line that does not end a sentence
    runs on into the next, unless either is a sub-heading, the next starts with a marker,
    neither has any punctuation (a list of links or names, not a sentence), or the line is a
    short marked heading without punctuation (（三）进一步规范公开行为, the head of a sub-list)."""
    out: list[str] = []
    for line in (x.strip() for x in lines):
        if not line:
            continue
        prev = out[-1] if out else ""
        if (prev and prev[-1] not in SENTENCE_END + "；;：:" and not sub_heading_kind(prev)
                and not sub_heading_kind(line) and not rules()["marker_start"].match(line)
                and not is_furniture(prev) and not is_furniture(line)
                and PUNCTUATION.search(prev + line) and not marked_heading(prev)):
            out[-1] = prev + line
        else:
            out.append(line)
    return out


def heading_context(heading: str | None) -> str | None:
    """A chapter heading that names only problems (or only fixes) gives its items that context."""
    if not heading:
        return None
    kind = label_kind(strip_marker(heading))
    return kind if kind in ("problem", "improvement") else None


def segment_section(section: Section) -> list[Candidate]:
    """Given one section, return its candidate statements in document order.

    The problems section is read whole; any other section only from a problem/improvement
    sub-heading or label on; a 落款 date line ends it.
    """
    state = _State(section.id, context=heading_context(section.heading),
                   active=section.id == "problems")
    out: list[Candidate] = []
    for line in join_wrapped(section.text.splitlines()):
        if is_signature_date(line):
            break
        kind = sub_heading_kind(line)
        if kind:
            _label(state, kind)
            continue
        before = len(out)
        out.extend(_run(state, line))
        if _hint_spent(out[before:]):
            state.hint = None
    return out


def _hint_spent(line: list[Candidate]) -> bool:
    """A lead-in's hint is used up by the first paragraph that holds several statements under
    it (that paragraph is the list it announced), unless the paragraph ends in a new lead-in;
    one-statement paragraphs (a list laid out a line per item) keep it."""
    return len(line) > 1 and line[-1].hint is not None and not is_framing(line[-1].sentences[-1])


def segment(sections: list[Section]) -> list[Candidate]:
    """Given a record's sections, return all candidates in document order."""
    return [c for s in sections for c in segment_section(s)]
