"""Screen stage: is this document an annual report? (sections + tables + meta -> `Verdict`)

Weighs the evidence a parse has gathered: a title naming 政府信息公开 and 年度报告/年报, the
standard chapters in any spelling, the standard tables with figures, an agency and a year,
against signs of a look-alike (a 函 or 解读 title, a blank template's placeholders, a generated
comparison of two reports). A document is refused only when the evidence is clear; one the
screen is unsure of is parsed and carries warnings, so a real report is never dropped.
Cues are data in config/screen.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .record import Meta
from .sections import SectionedDoc, title_lines
from .settings import load_yaml


@lru_cache(maxsize=1)
def _config() -> dict:
    return load_yaml("screen.yaml")


@dataclass
class Evidence:
    """What the parse found that speaks for or against a report."""

    title: str | None                 # the title line(s), where they name the annual report
    sections: list[str]               # standard section ids found (preamble excluded)
    tables: list[str]                 # canonical tables holding at least one figure
    agency: str | None
    year: int | None
    year_in_text: bool                # a year (2023年) printed near the start
    against: list[str] = field(default_factory=list)  # look-alike signs seen, as phrases

    def as_dict(self) -> dict:
        return {"title": self.title, "sections": self.sections, "tables": self.tables,
                "agency": self.agency, "year": self.year,
                "year_in_text": self.year_in_text, "against": self.against}


@dataclass
class Verdict:
    reason: str | None                # why the document is refused; None: parse it
    warnings: list[str]
    evidence: Evidence


_YEAR = re.compile(r"(?:19|20)\d{2}年|[一二][〇零○][一二三四五六七八九〇零○]{2}年")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _report_title(head: str, cfg: dict) -> str | None:
    """The head text when it names both the disclosure work and the annual report."""
    if any(t in head for t in cfg["title_topic"]) and any(k in head for k in cfg["title_kind"]):
        return head
    return None


def gather(doc: SectionedDoc, tables: dict[str, dict | None], meta: Meta) -> Evidence:
    """Evidence from the sectioned document, the canonical tables and the metadata."""
    cfg = _config()
    hint = _compact(doc.layout.title_hint or "")
    head = _compact(title_lines(doc))
    title = meta.title or _report_title(head, cfg) or _report_title(hint, cfg)
    found = sorted({p.id for p in doc.parts if p.id != "preamble"})
    with_figures = [name for name, rows in tables.items()
                    if rows and any(v for cols in rows.values() for v in cols.values())]
    body = _compact(doc.layout.text())
    evidence = Evidence(title, found, with_figures, meta.agency, meta.year,
                        bool(_YEAR.search(body[:3000])))
    title_text = " ".join(t for t in (title, head[:80], hint) if t)
    evidence.against += [f"title reads as a {cue} page" for cue in cfg["not_report_title"]
                         if cue in title_text]
    evidence.against += [f"a comparison of reports ({cue} in the title)"
                         for cue in cfg["comparison_title"] if cue in title_text]
    evidence.against += [f"a comparison of reports (it prints {cue})"
                         for cue in cfg["comparison_cues"] if cue in body]
    placeholders = [p for p in cfg["placeholders"] if p in body]
    if placeholders:
        evidence.against.append(f"template placeholders ({placeholders[0]}…)")
    return evidence


def judge(evidence: Evidence) -> Verdict:
    """Refuse only what is clearly not a report; say what is doubtful about the rest."""
    cfg = _config()
    full = cfg["full_structure"]
    n_sections, n_tables = len(evidence.sections), len(evidence.tables)
    complete = n_sections >= full["sections"] or (
        n_sections >= cfg["min_sections"] and n_tables >= full["tables"])
    titles = [a for a in evidence.against if a.startswith("title reads")]
    comparison = [a for a in evidence.against if a.startswith("a comparison")]
    if comparison:
        return Verdict(f"not an annual report: {comparison[0]}", [], evidence)
    if titles and not complete:
        return Verdict(f"not an annual report: the {titles[0]}", [], evidence)
    blank = evidence.agency is None and evidence.year is None and not evidence.year_in_text
    if blank and (n_tables == 0 or any(a.startswith("template") for a in evidence.against)):
        return Verdict("not an annual report: a blank report template (no agency, no year"
                       + (", no figures)" if n_tables == 0 else ", placeholders)"), [], evidence)
    if evidence.title is None and n_sections < cfg["min_sections"] and n_tables == 0:
        return Verdict(f"not an annual report: no 年度报告 title, only {n_sections} of the report's "
                       "sections and no standard table found", [], evidence)
    warnings = []
    if evidence.title is None:
        warnings.append("no 政府信息公开…年度报告 title found; parsed as a report on its "
                        f"{n_sections} standard sections and {n_tables} tables")
    if n_sections < cfg["min_sections"]:
        warnings.append(f"only {n_sections} of the report's standard sections found")
    if titles:
        warnings.append(f"the {titles[0]}, but it has a report's full structure")
    if evidence.year is None:
        warnings.append("no report year found")
    if evidence.agency is None:
        warnings.append("no agency found")
    return Verdict(None, warnings, evidence)


def screen(doc: SectionedDoc, tables: dict[str, dict | None], meta: Meta) -> Verdict:
    return judge(gather(doc, tables, meta))
