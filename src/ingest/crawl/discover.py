"""Onboarding by home URL: find an agency's 政府信息公开年报 column and write its source entry.

From the home page, a breadth-first walk (at most `max_clicks` clicks, `max_pages` pages)
follows links whose text names an 信息公开 / 政务公开 section, on the home host or a sibling
host (same parent domain: www.x.gov.cn and xxgk.x.gov.cn), until a link whose text names the
column (政府信息公开年报, 年度报告, 年报 …; config/sources.yaml `discover`) leads to a page
listing reports (links with a year and 年度报告 / 年报 in their text, or, for a list drawn
by script, the JSON endpoint its script reads). From the column it infers the entry:

    start_urls      the column page
    hosts           the hosts of the column, its reports and their attachments
    path_prefixes   where listing pages, articles and attachments live (a few articles are read)
    patterns        pagination_url and article_url (digits generalised), over the defaults
    script_drawn / list_api   when the list is drawn from a JSON endpoint

Politeness is the defaults' (robots.txt, per-host gate); nothing is stored.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from ..errors import InvalidInput
from .classify import classify
from .fetcher import Fetcher, Shared
from .links import Link, canonical_url, extract_links, page_text
from .scripted import script_marker
from .sources import Defaults, Discover, ListApi, Source, load_sources, parse_sources, source_for

YEAR = re.compile(r"(19|20)\d{2}")
_GENERIC = {"gov", "com", "org", "net", "edu", "ac"}


@dataclass
class Discovery:
    """What discovery found for one home page."""

    home: str
    entry: dict | None = None
    column: str | None = None
    clicks: int = 0
    pages: int = 0
    message: str = ""
    trail: list[str] = field(default_factory=list)


def siblings(a: str, b: str) -> bool:
    """Same host, or two hosts under one parent domain (www.x.gov.cn, xxgk.x.gov.cn)."""
    if a == b:
        return True
    pa, pb = a.split(".", 1), b.split(".", 1)
    if len(pa) < 2 or len(pb) < 2 or pa[1] != pb[1]:
        return False
    parent = pa[1].split(".")
    return len(parent) >= 3 or (len(parent) == 2 and parent[0] not in _GENERIC)


def _matches(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def report_links(links: list[Link], source: Source) -> list[Link]:
    """Links that look like single reports: report words and a year in their text."""
    found = []
    for link in links:
        kind = classify(link, source.patterns)
        if kind in ("article", "attachment") and YEAR.search(link.text):
            found.append(link)
    return found


class Walker:
    """Fetches pages for discovery: one Fetcher per host met (each scoped to its host)."""

    def __init__(self, defaults: Defaults, allow_private: bool):
        self.defaults, self.allow_private = defaults, allow_private
        self.shared = Shared(4)
        self.fetchers: dict[str, Fetcher] = {}
        self.pages = 0

    def source(self, url: str) -> Source:
        return source_for([url], self.defaults, allow_private=self.allow_private)

    async def get(self, url: str) -> tuple[str, bytes, str | None] | None:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.fetchers:
            self.fetchers[host] = Fetcher(self.source(url), shared=self.shared)
        self.pages += 1
        fetched = await self.fetchers[host].fetch(url)
        if not fetched.ok or fetched.body is None:
            return None
        return fetched.final_url, fetched.body, fetched.content_type

    async def close(self) -> None:
        for fetcher in self.fetchers.values():
            await fetcher.__aexit__()


async def discover(home: str, defaults: Defaults, rules: Discover,
                   allow_private: bool = False) -> Discovery:
    """Walk from `home` to its annual-report column; return the Discovery (entry or why not)."""
    result = Discovery(home)
    walker = Walker(defaults, allow_private)
    try:
        found = await _walk(home, walker, rules, result)
        if found is not None:
            column, body, ctype, clicks = found
            result.entry = await _entry(column, body, ctype, walker, rules, allow_private)
            result.column, result.clicks = column, clicks
            result.message = (f"{home}: found the annual-report column at {column} "
                              f"({clicks} click{'s' * (clicks != 1)} from the home page, "
                              f"{walker.pages} pages read)")
        elif not result.message:
            result.message = (f"{home}: no 政府信息公开年报 column found within "
                              f"{rules.max_clicks} clicks ({walker.pages} pages read"
                              f"{'; looked at ' + ', '.join(result.trail[:5]) if result.trail else ''})")
    finally:
        await walker.close()
    result.pages = walker.pages
    return result


async def _walk(home: str, walker: Walker, rules: Discover, result: Discovery):
    """Breadth-first over section pages; the first column page that lists reports wins."""
    home_host = (urlsplit(home).hostname or "").lower()
    got = await walker.get(home)
    if got is None:
        result.message = f"{home}: the home page cannot be fetched"
        return None
    level, seen = [(got, 0)], {canonical_url(home), canonical_url(got[0])}
    probe = walker.source(home)
    while level:
        following = []
        for (url, body, ctype), clicks in level:
            links = [link for link in extract_links(body, url, ctype)
                     if siblings((urlsplit(link.url).hostname or "").lower(), home_host)
                     and link.url not in seen]
            for link in links:
                if _matches(rules.column_anchor, link.text) and walker.pages < rules.max_pages:
                    seen.add(link.url)
                    page = await walker.get(link.url)
                    if page and _lists_reports(page, probe):
                        return (*page, clicks + 1)
            if clicks + 1 >= rules.max_clicks:
                continue
            for link in links:
                if (_matches(rules.section_anchor, link.text)
                        and not _matches(rules.skip_anchor, link.text)
                        and link.url not in seen and walker.pages < rules.max_pages):
                    seen.add(link.url)
                    result.trail.append(link.text)
                    page = await walker.get(link.url)
                    if page:
                        following.append((page, clicks + 1))
        level = following
    return None


def _lists_reports(page: tuple[str, bytes, str | None], probe: Source) -> bool:
    url, body, ctype = page
    return bool(report_links(extract_links(body, url, ctype), probe)) or bool(
        script_marker(body) and endpoint_template(page_text(body, ctype), url))


# ---- the entry ---------------------------------------------------------------------------
def endpoint_template(text: str, base: str) -> str | None:
    """The JSON list URL a page's script builds, with {page} for the page number."""
    joined = re.search(r"""['"]([^'"\s]*(?:json|list|page)[^'"\s]*)['"]\s*\+\s*\w+\s*\+\s*"""
                       r"""['"]([^'"\s]*)['"]""", text, re.I)
    if joined:
        return urljoin(base, joined.group(1) + "{page}" + joined.group(2))
    literal = re.search(r"""['"]([^'"\s]*\.json[^'"\s]*)['"]""", text)
    if literal:
        numbered = re.sub(r"(?<=[_\-=/])1(?=\D*$)", "{page}", literal.group(1), count=1)
        if "{page}" in numbered:
            return urljoin(base, numbered)
    return None


def _find_list(data, path: str = ""):
    """(dotted path, items) of the first list of objects in a JSON document."""
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return path, data
    if isinstance(data, dict):
        for key, value in data.items():
            found = _find_list(value, f"{path}.{key}" if path else key)
            if found:
                return found
    return None


def json_fields(items: list[dict]) -> dict:
    """Which keys of the items hold the title, the link and the date."""
    first = items[0]
    strings = {k: v for k, v in first.items() if isinstance(v, str)}
    link = next((k for k, v in strings.items()
                 if re.match(r"(https?://|/|\./)", v) or re.search(r"\.(s?html?|pdf|docx?)$", v)),
                None)
    date = next((k for k, v in strings.items() if re.match(r"\d{4}-\d{1,2}-\d{1,2}", v)), None)
    titles = [k for k, v in strings.items() if re.search(r"[\u4e00-\u9fff]", v) and k != link]
    title = max(titles, key=lambda k: len(strings[k]), default=None)
    return {"title": title, "link": link, "date": date}


async def _list_api(body: bytes, ctype, column: str, walker: Walker) -> ListApi | None:
    import json

    template = endpoint_template(page_text(body, ctype), column)
    if not template:
        return None
    got = await walker.get(template.replace("{page}", "1"))
    if got is None:
        return None
    try:
        found = _find_list(json.loads(got[1].decode("utf-8-sig")))
    except (UnicodeDecodeError, ValueError):
        return None
    if not found:
        return None
    fields = json_fields(found[1])
    if not fields["link"] or not fields["title"]:
        return None
    return ListApi(url=template, first_page=1, items=found[0], **fields)


def url_regex(url: str, keep: set[str]) -> str:
    """A regex for URLs like `url`: its path (and query) with digit runs generalised, except
    the runs in `keep` (ids shared by every URL of the kind: a column id)."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    pieces = re.split(r"(\d+)", tail)
    out = "".join(r"\d+" if i % 2 and p not in keep else re.escape(p) for i, p in enumerate(pieces))
    return out + "$"


def _digit_runs(url: str) -> set[str]:
    return set(re.findall(r"\d+", urlsplit(url).path + urlsplit(url).query))


def _prefix(urls: list[str]) -> str:
    """The common folder of `urls`, cut before its first segment with a digit (dates, ids);
    a script path with a query (index.php?…) is its own prefix."""
    paths = [urlsplit(u).path or "/" for u in urls]
    folders = [p if urlsplit(u).query and not p.endswith("/") else p.rsplit("/", 1)[0] + "/"
               for p, u in zip(paths, urls)]
    common = folders[0]
    for folder in folders[1:]:
        while not folder.startswith(common):
            common = common.rstrip("/").rsplit("/", 1)[0] + "/"
    kept = []
    for segment in common.strip("/").split("/"):
        if not segment or re.search(r"\d", segment):
            break
        kept.append(segment)
    if not kept:
        return "/"
    whole = "/" + "/".join(kept)
    return whole if whole == common.rstrip("/") and "." in kept[-1] else whole + "/"


def _prefixes(groups: list[list[str]]) -> list[str]:
    found = sorted({_prefix(g) for g in groups if g}, key=len)
    kept: list[str] = []
    for prefix in found:
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return sorted(kept)


def source_name(column: str) -> str:
    parts = urlsplit(column)
    host = (parts.hostname or "portal") + (f"-{parts.port}" if parts.port else "")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", parts.path + " " + parts.query) if w][-3:]
    return "-".join([host, *words])[:100]


async def _entry(column: str, body: bytes, ctype, walker: Walker, rules: Discover,
                 allow_private: bool) -> dict:
    probe = walker.source(column)
    links = extract_links(body, column, ctype)
    reports = report_links(links, probe)
    paging = [probe.patterns.matcher(n) for n in ("pagination_anchor", "pagination_url")]
    pages = [link.url for link in links if link.url != column
             and any(m and m.search(link.text if i == 0 else link.url) for i, m in enumerate(paging))
             and siblings(urlsplit(link.url).hostname or "", urlsplit(column).hostname or "")]
    marker = script_marker(body)
    api = await _list_api(body, ctype, column, walker) if marker else None
    if api is not None:
        got = await walker.get(api.url.replace("{page}", str(api.first_page)))
        from .scripted import api_links

        reports += [Link(link.url, link.text) for link in api_links(got[1], api, got[0]) or []]
    articles = [r.url for r in reports if classify(r, probe.patterns) == "article"]
    files = [r.url for r in reports if classify(r, probe.patterns) == "attachment"]
    for url in articles[:rules.sample_articles]:
        got = await walker.get(url)
        if got:
            files += [link.url for link in extract_links(got[1], got[0], got[2])
                      if classify(link, probe.patterns) == "attachment"]
    keep = set.intersection(*(_digit_runs(u) for u in articles)) if articles else set()
    keep_pages = _digit_runs(column)
    patterns = {}
    if pages:
        patterns["pagination_url"] = sorted({url_regex(u, keep_pages) for u in pages})[:3]
    if articles:
        patterns["article_url"] = sorted({url_regex(u, keep) for u in articles})[:3]
    hosts = sorted({(urlsplit(u).hostname or "").lower() for u in [column, *pages, *articles, *files]})
    entry = {"name": source_name(column), "start_urls": [column], "hosts": hosts,
             "path_prefixes": _prefixes([[column, *pages], articles, files])}
    if allow_private:
        entry["allow_private"] = True
    if patterns:
        entry["patterns"] = patterns
    if marker:
        entry["script_drawn"] = True
    if api is not None:
        entry["list_api"] = api.model_dump(exclude_none=True)
    return entry


# ---- many home pages, output -------------------------------------------------------------
def discover_all(urls: list[str], defaults: Defaults | None = None, rules: Discover | None = None,
                 allow_private: bool = False) -> list[Discovery]:
    """Discover every home page at once (each host keeps the defaults' politeness)."""
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(f"not an http(s) URL: {url}")
    loaded = load_sources() if defaults is None or rules is None else None
    defaults = defaults or loaded.defaults
    rules = rules or loaded.discover

    async def run():
        return await asyncio.gather(*(discover(u, defaults, rules, allow_private) for u in urls))
    return list(asyncio.run(run()))


def entries_yaml(entries: list[dict]) -> str:
    """Entries as the items of a `sources:` list (what `--write` appends)."""
    text = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
    return "".join("  " + line if line.strip() else line for line in text.splitlines(True))


def write_entries(path: Path, entries: list[dict]) -> None:
    """Append `entries` to the sources file at `path` (checked as a whole first); a source
    name already there is an error."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    data = yaml.safe_load(text) or {}
    known = {s.get("name") for s in data.get("sources") or []}
    clash = [e["name"] for e in entries if e["name"] in known]
    if clash:
        raise InvalidInput(f"{path} already has a source named {clash[0]}")
    parse_sources({**data, "sources": [*(data.get("sources") or []), *entries]})
    if not re.search(r"^sources:", text, re.M):
        text = text.rstrip("\n") + ("\n" if text else "") + "sources:\n"
    elif re.search(r"^sources:\s*\[\]\s*$", text, re.M):
        text = re.sub(r"^sources:\s*\[\]\s*$", "sources:", text, flags=re.M)
    if not text.endswith("\n"):
        text += "\n"
    text += entries_yaml(entries)
    after = yaml.safe_load(text) or {}
    if len(after.get("sources") or []) != len(known) + len(entries):
        raise InvalidInput(f"{path}: `sources:` is not the file's last block; add the entries by hand")
    path.write_text(text, encoding="utf-8")
