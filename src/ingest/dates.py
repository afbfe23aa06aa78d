"""Dates as reports print them: 二〇二五年一月二十日, 二○一三年一月二十日, 2024年1月20日, 2024-01-20.

`parse_date` finds a date in a line; `date_line` tells a line that is a date and nothing
else (the 落款 date, maybe after 成文日期：) from a page's 发布日期/时间 line and from prose.
"""
from __future__ import annotations

import re
from datetime import date

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "◯": 0, "Ｏ": 0, "O": 0, "０": 0, "0": 0, "一": 1, "二": 2, "三": 3,
             "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○◯ＯO０0一二三四五六七八九十"  # 0: a zero typed among Chinese numerals (二0一七)
DATE = re.compile(
    rf"(?P<y>\d{{4}}|[{_CN}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*"
    rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*日")
DATE_DOTTED = re.compile(r"(?P<y>20\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
# a signature date may carry a label before it and a note after it; a page's own date line
# (发布日期：, 时间：, 来源：) is not a signature
_LABEL = re.compile(r"^(?:(?:成文|落款|编制|印发|签发|制发|报告|签署)(?:日期|时间)|日期)?[:：]?$")
_PAGE_LABEL = re.compile(r"^(?:发布|公开|发文)(?:日期|时间)[:：]$")
_NOTE = re.compile(r"^(?:印发|发布|制发|签发)?(?:[（(][^（）()]{0,16}[)）])?[。.]?$")
_PAGE_WORDS = re.compile(r"(发布|发文|更新|录入|时间|来源|浏览|点击|日期)")
PUBLISHER = re.compile(r"^(?:发布机构|发布单位|发布机关|编制单位|单位)[:：]\s*(?P<agency>\S+)$")
_PROSE = re.compile(r"[。；;，,！？、]")
SIGNER_END = re.compile(r"(人民政府|办公室|办公厅|办事处|委员会|管委会|局|厅|委|署|院|中心|街道|镇|乡|政府)$")


def cn_to_int(text: str) -> int:
    """二〇二五 -> 2025 (digit by digit), 二十七 -> 27, 十 -> 10; Arabic passes through."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGIT.get(ch, 0)) for ch in text))


def _iso(m: re.Match) -> str | None:
    try:
        return date(cn_to_int(m["y"]), cn_to_int(m["m"]), cn_to_int(m["d"])).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    m = DATE.search(text) or DATE_DOTTED.search(text)
    return _iso(m) if m else None


def signed_date(text: str, after_publisher: bool = False) -> tuple[str | None, str] | None:
    """(signer, YYYY-MM-DD) when `text` is a signature date line: the date alone, after a
    label (成文日期：, 编制日期：) or after the signing agency on the same line (某某局
    2024年1月20日), maybe with a note after it (印发, （此件公开发布）). None for prose, for a
    page's 发布日期/时间 line and for an impossible date — unless the line comes right after a
    发布机构：… line (a signature printed as labelled fields)."""
    compact = re.sub(r"\s+", "", text)
    m = DATE.search(compact) or DATE_DOTTED.search(compact)
    if m is None or m.start() > 30 or not _NOTE.match(compact[m.end():]):
        return None
    prefix, when = compact[: m.start()], _iso(m)
    if when is None:
        return None
    if _LABEL.match(prefix) or after_publisher and _PAGE_LABEL.match(prefix):
        return None, when
    if _PROSE.search(prefix) or _PAGE_WORDS.search(prefix) or not SIGNER_END.search(prefix):
        return None
    return prefix, when


def date_line(text: str, after_publisher: bool = False) -> str | None:
    """YYYY-MM-DD when `text` is a signature date line (signed_date), else None."""
    found = signed_date(text, after_publisher)
    return found[1] if found else None
