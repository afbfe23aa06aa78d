"""Meta stage: title, agency, year, report date and template of a sectioned report.

Given the sectioned document (and the template the tables' form implies), return `Meta`.
The title and agency come from the title lines, else the signature; the year is the year
reported on; the report date is the 落款 date at the end, in Chinese or Arabic numerals.
"""
from __future__ import annotations

import re

from .dates import PUBLISHER, cn_to_int, signed_date
from .record import Meta
from .sections import SectionedDoc, head_lines

_YEAR = r"(?P<year>(?:19|20)\d{2}|[一二][〇零○Ｏ一二三四五六七八九]{3})"  # 2023 or 二〇二三
_TAIL = r"(?P<tail>(?:政府信息公开|政务公开|信息公开)(?:(?:工作)?年报|[^，。]{0,12}?报告))"  # …年度报告, …(工作)年报
_AGENCY_CHARS = r"(?:[^，。：:；;,、“”《》()（）]|（[^（）]{1,20}）|\([^()]{1,20}\))"  # 办公室（政务公开办）
# a title quoted in prose (现公布区政府国资局2022年…报告): the verb is not part of the agency
_PROSE_VERB = re.compile(r"^(?:现将|现予公布|现公布|特公布|公布|发布|编制|编制了|形成)")
# the period a report covers (统计期限为2025年1月1日至…), the year when no title gives one
_PERIOD = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*[至到—\-~]")
_TITLE = re.compile(rf"(?P<agency>{_AGENCY_CHARS}{{2,40}}?)(?:关于)?{_YEAR}年度?{_TAIL}")
_TITLE_YEAR_FIRST = re.compile(rf"{_YEAR}年度?(?P<agency>[^，。：:；“”]{{2,30}}?){_TAIL}")
_AGENCY_END = re.compile(r"(人民政府|办公室|办公厅|办事处|委员会|局|厅|委|署|院|中心|管委会|街道|镇|乡)$")
_NOISE = ("（图片版）", "(图片版)", "图片版")
_PROSE = re.compile(r"[。；;！？]|，.*，")  # a sentence, not a title line
_REGION = re.compile(r"^[\u4e00-\u9fff]{2,15}?(省|自治区|市|州|盟|县|区|旗|镇|乡|街道)")
_REGION_END = re.compile(r"(省|自治区|市|州|盟|县|区|旗|镇|乡|街道|办事处)$")


def _title_sources(doc: SectionedDoc) -> list[list[str]]:
    """The first lines of the report (the title may wrap), then the document's own title."""
    def clean(line: str) -> str:
        for noise in _NOISE:
            line = line.replace(noise, "")
        return line
    hint = re.sub(r"\s+", "", doc.layout.title_hint or "")
    head = [clean(ln) for ln in head_lines(doc)]
    prose = next((i for i, ln in enumerate(head) if _PROSE.search(ln)), len(head))
    # the title lines come before the first sentence; a title-like phrase inside the lead
    # (…现公布某某局2012年度政府信息公开工作年度报告。) is the last resort
    return [head[:prose], [clean(hint)], head[prose:]]


def _agency_start(text: str, starts: list[int], a0: int, a1: int) -> int:
    """Where the agency begins: a line inside the match that starts a full agency name
    (region + body) drops the lines above it (a site name or breadcrumb before the title),
    unless they end in a region (a title wrapped after 某某省)."""
    for b in (b for b in starts if a0 < b < a1):
        if _REGION.match(text[b:a1]) and not _REGION_END.search(text[a0:b]):
            a0 = b
    return a0


def find_title(doc: SectionedDoc) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year) from the title lines, or Nones."""
    for lines in _title_sources(doc):
        text = "".join(lines)
        starts = [sum(len(ln) for ln in lines[:i]) for i in range(1, len(lines))]
        m = _TITLE.search(text)
        if m and "报告" in m["agency"]:
            m = _TITLE.search(text, m.start("agency") + m["agency"].rindex("报告") + 2)
        if m:
            a0 = _agency_start(text, starts, m.start("agency"), m.end("agency"))
            return text[a0:m.end()], text[a0:m.end("agency")], cn_to_int(m["year"])
        m = _TITLE_YEAR_FIRST.search(text)
        if m:
            return text[m.start():m.end()], m["agency"], cn_to_int(m["year"])
    return None, None, None


def signature(doc: SectionedDoc) -> tuple[str | None, str | None]:
    """(agency, date) from the signature lines: the 落款 the sections stage took off the end
    of the report, else the last lines of the document. A page's 发布日期 is not a 落款
    (unless it follows a 发布机构：… line: a signature printed as labelled fields)."""
    lines = [re.sub(r"\s+", "", ln) for ln in (doc.closing_lines() or doc.lines()[-8:])]
    agency = when = None
    for i in range(len(lines) - 1, -1, -1):
        compact = lines[i]
        if when is None:
            found = signed_date(compact, after_publisher=i > 0 and PUBLISHER.match(lines[i - 1]) is not None)
            if found:
                agency, when = agency or found[0], found[1]
                continue
        m = PUBLISHER.match(compact)
        if m:
            agency = agency or m["agency"]
        elif agency is None and len(compact) <= 25 and _AGENCY_END.search(compact):
            agency = compact
    return agency, when


def template_of(doc: SectionedDoc, table_form: str | None, year: int | None) -> str:
    """The tables' form when the report has the standard tables; else the form of the year
    reported on (before 2019: legacy; 2019: the 2019 form; 2020 on: the 2021 form); with
    no year either, the headings tell (the 2019/2021 reports' 收到和处理… chapter)."""
    if table_form:
        return table_form
    if year is not None:
        return "legacy" if year < 2019 else "2019" if year == 2019 else "2021"
    headings = "".join(p.heading or "" for p in doc.parts)
    return "2021" if "收到和处理" in headings or "行政复议、行政诉讼情况" in headings else "legacy"


def extract(doc: SectionedDoc, template: str | None = None) -> Meta:
    title, agency, year = find_title(doc)
    sig_agency, when = signature(doc)
    agency = agency or sig_agency
    if agency:
        agency = _PROSE_VERB.sub("", agency) or agency
    if title:
        title = _PROSE_VERB.sub("", title) or title
    if year is None:
        period = _PERIOD.search(re.sub(r"\s+", "", doc.parts[0].text())[:2000])
        year = int(period["year"]) if period else None
    if year is None and when:
        year = int(when[:4]) - 1
    return Meta(title=title, agency=agency, year=year, report_date=when,
                template=template_of(doc, template, year))
