"""Links out of an HTML page: bytes (+ the HTTP charset) -> absolute URLs with anchor text.

URLs come out canonical (`canonical_url`), so one resource reached by several spellings
(`HTTP://Host:80//a/./b.pdf#p2`, `http://host/a/b.pdf`) is scheduled once.

The charset comes from the Content-Type header, else the page's <meta>, else the bytes
(GBK listing pages are common); decoding is the HTML reader's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from lxml import etree, html

from ..readers.encoding import decode
from ..readers.html import declared_charset

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w-]+)", re.I)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")


@dataclass(frozen=True)
class Link:
    url: str
    text: str


_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=1 << 16)
def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, default port and fragment dropped, "." and ".." resolved
    and runs of "/" in the path collapsed (portals often print "//"); the query is kept.
    Remembered: every page of a portal repeats the same navigation links."""
    try:
        parts = urlsplit(urldefrag(url)[0])
        port = parts.port
    except ValueError:  # a malformed port or host: leave it for the fetcher to reject
        return url
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    path = parts.path
    if not path.startswith("/") or "//" in path or "/." in path:  # empty, runs of "/", dots
        path = urlsplit(urljoin("http://h/", re.sub(r"/{2,}", "/", path))).path
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def header_charset(content_type: str | None) -> str | None:
    found = _HEADER_CHARSET.search(content_type or "")
    return found.group(1) if found else None


def page_text(data: bytes, content_type: str | None = None) -> str:
    """The page decoded: header charset, then <meta>, then detection."""
    return decode(data, header_charset(content_type) or declared_charset(data))


def extract_links(data: bytes, base_url: str, content_type: str | None = None) -> list[Link]:
    """Every <a href> on the page as an absolute URL (fragment dropped) with its text,
    in page order, without repeats."""
    try:
        root = html.document_fromstring(page_text(data, content_type))
    except (etree.ParserError, ValueError):
        return []
    base = root.find(".//base[@href]")
    base_url = urljoin(base_url, base.get("href")) if base is not None else base_url
    seen: set[str] = set()
    links = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = canonical_url(urljoin(base_url, href))
        text = " ".join((anchor.text_content() or anchor.get("title") or "").split())
        if url not in seen:
            seen.add(url)
            links.append(Link(url, text or (anchor.get("title") or "").strip()))
    return links
