"""Sources to crawl: config/sources.yaml -> validated pydantic models.

A source is one portal column: start URLs, the hosts and path prefixes it may visit, and
the patterns that tell listing pages, articles and attachments apart. `defaults` in the
file apply to every source; a source overrides any block of them. Unknown keys are errors.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InvalidInput
from ..settings import config_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Politeness(_Strict):
    user_agent: str = "nianbao-ingest/0.1 (annual-report collector)"
    per_host_concurrency: int = Field(2, ge=1, le=2)
    requests_per_second: float = Field(2.0, gt=0)
    timeout_seconds: float = Field(30.0, gt=0)
    retries: int = Field(3, ge=0)
    backoff_seconds: float = Field(1.0, ge=0)
    backoff_max_seconds: float = Field(60.0, ge=0)
    retry_after_max_seconds: float = Field(120.0, ge=0)
    respect_robots: bool = True


class CrawlLimits(_Strict):
    max_pages: int = Field(5000, ge=1)
    max_bytes: int = Field(50 * 1024 * 1024, ge=1)
    max_redirects: int = Field(5, ge=0)
    max_depth: int = Field(6, ge=0)


class Patterns(_Strict):
    """Regular expressions (searched, not anchored) that classify links."""

    # the same as the defaults of the shipped config/sources.yaml
    attachment_url: tuple[str, ...] = (r"\.(pdf|docx?|wps|txt)(\?|$)",)
    listing_url: tuple[str, ...] = (r"/(index(_\d+)?\.s?html?)?$", r"/list[^/]*\.s?html?$")
    pagination_url: tuple[str, ...] = (r"index_\d+\.s?html?$",)
    pagination_anchor: tuple[str, ...] = ("下一页", "下页", r"^\s*>\s*$", r"^\s*\d+\s*$")
    report_anchor: tuple[str, ...] = ("年度报告", "年报", "信息公开.*报告")
    not_report_anchor: tuple[str, ...] = ("报告解读", "图文解读", "政策解读", "整改报告", "工作总结",
                                          "一图读懂")
    attachment_anchor: tuple[str, ...] = ("附件", "下载", r"\.(pdf|docx?|wps)\s*$")
    article_url: tuple[str, ...] = ()   # report articles by URL (ingest sources discover writes it)

    @field_validator("*")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad pattern {pattern!r}: {exc}") from None
        return value

    def matcher(self, name: str) -> re.Pattern | None:
        """One compiled alternation for the pattern list `name` (None when it is empty)."""
        parts = getattr(self, name)
        return re.compile("|".join(f"(?:{p})" for p in parts), re.I) if parts else None


class Revisit(_Strict):
    """When a stored, unchanged article or attachment is asked again (crawl/revisit.py):
    after age_factor x its age since it last changed, at least min_interval_hours and at
    most max_interval_days; a failed URL after retry_failed_hours. Listing pages are asked
    every run. A link no listing shows for gone_after_runs complete runs is marked gone."""

    min_interval_hours: float = Field(20.0, ge=0)
    max_interval_days: float = Field(30.0, ge=0)
    age_factor: float = Field(0.5, ge=0)
    retry_failed_hours: float = Field(20.0, ge=0)
    gone_after_runs: int = Field(3, ge=1)


class ListApi(_Strict):
    """A JSON endpoint that a script-drawn listing is filled from: `url` with {page} in it,
    paged from first_page until a page brings no new items (or max_pages); dotted JSON
    paths to the item list and, inside each item, to its title, link and date."""

    url: str
    first_page: int = Field(1, ge=0)
    max_pages: int = Field(100, ge=1)
    items: str = ""                    # "" : the top level is the list
    title: str = "title"
    link: str = "url"
    date: str | None = None

    @field_validator("url")
    @classmethod
    def _has_page(cls, url: str) -> str:
        if "{page}" not in url:
            raise ValueError("the list_api url needs a {page} placeholder")
        return url


class Defaults(_Strict):
    politeness: Politeness = Field(default_factory=Politeness)
    limits: CrawlLimits = Field(default_factory=CrawlLimits)
    patterns: Patterns = Field(default_factory=Patterns)
    revisit: Revisit = Field(default_factory=Revisit)


class Source(_Strict):
    name: str
    start_urls: tuple[str, ...] = Field(min_length=1)
    hosts: tuple[str, ...] = ()          # empty: the start URLs' hosts
    path_prefixes: tuple[str, ...] = ("/",)
    allow_private: bool = False           # loopback / private / link-local addresses allowed
    politeness: Politeness = Field(default_factory=Politeness)
    limits: CrawlLimits = Field(default_factory=CrawlLimits)
    patterns: Patterns = Field(default_factory=Patterns)
    revisit: Revisit = Field(default_factory=Revisit)
    script_drawn: bool = False            # the listing is drawn by script (only its static part is in the HTML)
    list_api: ListApi | None = None       # where such a listing gets its items

    @field_validator("start_urls")
    @classmethod
    def _absolute(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {url}")
        return urls

    @property
    def scope_hosts(self) -> frozenset[str]:
        """Lower-cased host names (ports ignored) this source may visit."""
        hosts = self.hosts or tuple(urlsplit(u).hostname for u in self.start_urls)
        return frozenset(h.lower().split(":")[0] for h in hosts)


class Discover(_Strict):
    """How `ingest sources discover` looks for a 政府信息公开年报 column (crawl/discover.py)."""

    column_anchor: tuple[str, ...] = (r"^(政府)?信息公开(工作)?年(度报告|报)$", r"^年度报告$",
                                      r"^年报$", r"^(政府)?信息公开(工作)?年度报告$")
    section_anchor: tuple[str, ...] = ("政府信息公开", "信息公开", "政务公开", "公开目录")
    skip_anchor: tuple[str, ...] = ("解读", "指南", "申请", "意见", "互动")
    max_clicks: int = Field(3, ge=1, le=5)
    max_pages: int = Field(40, ge=1)
    sample_articles: int = Field(3, ge=0)   # articles read to learn where attachments live


class SourcesFile(_Strict):
    defaults: Defaults = Field(default_factory=Defaults)
    sources: tuple[Source, ...] = ()
    discover: Discover = Field(default_factory=Discover)


def one_line(exc: ValidationError) -> str:
    """The first validation error as 'where: what'."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def default_sources_path() -> Path:
    return config_dir() / "sources.yaml"


def _merge(defaults: Defaults, source: dict) -> dict:
    """A source's raw mapping with each defaults block under its own overrides."""
    merged = dict(source)
    for block in ("politeness", "limits", "patterns", "revisit"):
        base = getattr(defaults, block).model_dump()
        merged[block] = {**base, **(source.get(block) or {})}
    return merged


def parse_sources(data: dict) -> SourcesFile:
    """Validate a sources mapping (the YAML's content); raise InvalidInput with the reason."""
    data = dict(data or {})
    try:
        defaults = Defaults.model_validate(data.get("defaults") or {})
        raw = data.get("sources") or []
        if not isinstance(raw, list):
            raise InvalidInput("sources: expected a list")
        sources = tuple(Source.model_validate(_merge(defaults, s)) for s in raw)
        return SourcesFile.model_validate({"defaults": defaults, "sources": sources,
                                           **{k: v for k, v in data.items()
                                              if k not in ("defaults", "sources")}})
    except ValidationError as exc:
        raise InvalidInput(f"bad sources file: {one_line(exc)}") from None


def load_sources(path: Path | str | None = None) -> SourcesFile:
    """The sources file at `path` (default config/sources.yaml), validated."""
    path = Path(path) if path else default_sources_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    return parse_sources(data or {})


def source_for(start_urls: list[str], defaults: Defaults, *, allow_private: bool = False,
               name: str | None = None) -> Source:
    """An ad-hoc source for `ingest run --start-url`: scoped to the start URLs' hosts."""
    first = urlsplit(start_urls[0]).hostname or "adhoc"
    try:
        return Source.model_validate(_merge(defaults, {
            "name": name or first, "start_urls": list(start_urls), "allow_private": allow_private}))
    except ValidationError as exc:
        raise InvalidInput(f"bad start URL: {one_line(exc)}") from None


def plan_sources(config: Path | str | None, start_urls: list[str],
                 allow_private: bool = False) -> list[Source]:
    """The sources of one run: every source of `config`, or, given start URLs, one source
    for them (the configured source covering their host, else one built from defaults).
    `allow_private` (tests, local mirrors) opens loopback/private addresses for all."""
    loaded = load_sources(config)
    extra = {"allow_private": True} if allow_private else {}
    if not start_urls:
        return [s.model_copy(update=extra) for s in loaded.sources]
    host = (urlsplit(start_urls[0]).hostname or "").lower()
    for source in loaded.sources:
        if host in source.scope_hosts:
            return [source.model_copy(update={"start_urls": tuple(start_urls), **extra})]
    return [source_for(start_urls, loaded.defaults, allow_private=allow_private)]
