"""What a link points at, from its URL and anchor text (patterns in config/sources.yaml).

    listing     a column page listing reports (incl. pagination: 下一页, index_N.html)
    article     an article page that holds a report inline or links to its attachment
    attachment  a file (PDF, DOCX, DOC, WPS, TXT)
    not_report  looks like a report but is not (报告解读, 图文解读, 整改报告, 工作总结)
    None        anything else: navigation, other columns; not followed
"""
from __future__ import annotations

from functools import lru_cache

from .links import Link
from .sources import Patterns

KINDS = ("listing", "article", "attachment", "not_report")


@lru_cache(maxsize=64)
def _compiled(patterns: Patterns) -> dict:
    return {name: patterns.matcher(name) for name in Patterns.model_fields}


def _hit(matchers: dict, name: str, text: str) -> bool:
    matcher = matchers[name]
    return bool(matcher and matcher.search(text))


def classify(link: Link, patterns: Patterns) -> str | None:
    """The kind of page `link` leads to, or None when it is not worth following."""
    m = _compiled(patterns)
    url, text = link.url, link.text
    if _hit(m, "not_report_anchor", text):
        return "not_report"
    if _hit(m, "attachment_url", url):
        return "attachment"
    if _hit(m, "pagination_url", url) or _hit(m, "pagination_anchor", text):
        return "listing"
    if _hit(m, "report_anchor", text):
        return "listing" if _hit(m, "listing_url", url) else "article"
    if _hit(m, "article_url", url):
        return "article"
    if _hit(m, "attachment_anchor", text):
        return "attachment"
    return None


def not_report_reason(link: Link) -> str:
    return f"not a report: the link text says so ({link.text.strip()[:60]})"
