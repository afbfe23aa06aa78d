"""Listings drawn by script: detect them, and read a JSON list endpoint.

Many portals ship a listing page whose list is filled in the browser (avalon `ms-repeat`,
Vue `v-for`, Angular `ng-repeat`, an empty container plus an XHR to a JSON API), often with
a static first page in the HTML. The crawler follows whatever links the HTML has, records
that the list is script-drawn, and, when the source names a `list_api`, pages through it:

    script_marker(html)            the framework attribute / XHR call found, or None
    api_url(api, page)             the endpoint URL of one page
    api_links(body, api, base)     the page's items as Links (title, absolute URL)
"""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from .links import Link, canonical_url
from .sources import ListApi

_MARKERS = (
    ("avalon ms-repeat", re.compile(rb"\bms-(?:repeat|for)\b")),
    ("Vue v-for", re.compile(rb"\bv-for\s*=")),
    ("Angular ng-repeat", re.compile(rb"\bng-repeat\s*=")),
    ("template {{ }} list", re.compile(rb"<li[^>]*>\s*<a[^>]*href=[\"']?\{\{")),
    ("XHR to a JSON list", re.compile(rb"(?:\$\.(?:ajax|getJSON|get|post)|fetch|axios\.get)\s*\("
                                      rb"[^)]{0,200}?(?:json|list|page)", re.I)),
)


def script_marker(html: bytes) -> str | None:
    """Which sign of a script-drawn list the page carries, or None."""
    for name, pattern in _MARKERS:
        if pattern.search(html):
            return name
    return None


def api_url(api: ListApi, page: int) -> str:
    return api.url.replace("{page}", str(page))


def _path(data, dotted: str):
    for part in (p for p in dotted.split(".") if p):
        if isinstance(data, list) and part.isdigit():
            data = data[int(part)] if int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def api_links(body: bytes, api: ListApi, base_url: str) -> list[Link] | None:
    """The items of one endpoint page as links; None when the body is not the JSON expected."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    items = _path(data, api.items)
    if not isinstance(items, list):
        return None
    links = []
    for item in items:
        href, title = _path(item, api.link), _path(item, api.title)
        if isinstance(href, str) and href.strip():
            links.append(Link(canonical_url(urljoin(base_url, href.strip())),
                              " ".join(str(title or "").split())))
    return links
