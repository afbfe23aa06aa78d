"""Crawl one source: fetch pages politely, follow report links, hand reports to the parser.

    listing page  -> links: pagination, report articles, attachments
    article page  -> its attachments, or (none) the page itself is the report, inline
    attachment    -> the report file (type sniffed from the bytes)

Every report's bytes are hashed: an unchanged file (same sha as last time, or a 304) is
not parsed again; the same file under another URL becomes a `duplicate` of the first;
anything new is parsed in worker processes (ingest.Ingestor) while fetching goes on, and
stored in batches (writer.py).
Every URL's status, reason, validators and hash land in the store's `urls` table.

Known articles and attachments are asked again only when due (revisit.py); listing pages
every run. `crawl_sources` runs many sources at once in one event loop: one gate per host
shared by all of them, a global cap on requests in flight, one pool of parse workers.
Each run ends with its bookkeeping (state.py): links seen / vanished / gone, and a
`crawl_runs` row whose alarm flags a listing that stopped yielding report links.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from .. import PARSER_VERSION
from ..ingest import Ingestor, sha256_of
from ..readers import HTML, sniff
from .classify import classify, not_report_reason
from .dedupe import ContentOwners
from .fetcher import Fetched, Fetcher, Shared
from .frontier import FLUSH_SECONDS, Frontier, RunUrls, Task, flush_frontiers
from .links import Link, extract_links
from .revisit import FINAL, fresh, next_due
from .safety import out_of_scope
from .scripted import api_links, api_url, script_marker
from .sources import Source
from .state import last_complete_run, layout_alarm, mark_seen, record_run
from .writer import BatchWriter

FORGET = {"etag": None, "last_modified": None}  # so the next run fetches it in full
LISTS = ("listing", "api")  # pages asked every run: HTML listings and JSON list endpoints
REVISIT_FIGURES = ("due", "skipped_fresh", "not_modified", "changed", "new", "gone")
Event = Callable[[str, str, str | None], None]   # (event, url, status)


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class CrawlSummary:
    """What one run did to one source."""

    source: str
    statuses: Counter = field(default_factory=Counter)   # final URL statuses set this run
    requests: int = 0           # HTTP requests sent (robots.txt included)
    fetched: int = 0            # 200 responses with a body
    not_modified: int = 0       # 304 answers to conditional requests
    conditional: int = 0        # conditional requests sent
    parsed: int = 0             # documents parsed this run
    unchanged: int = 0          # report bytes seen before (no parse)
    bytes: int = 0
    seconds: float = 0.0
    stopped: str | None = None  # why the run stopped early (page limit)
    due: int = 0                # known URLs asked again (listings every run, others when due)
    skipped_fresh: int = 0      # known URLs not asked: stored, unchanged and not due yet
    changed: int = 0            # known reports whose bytes changed
    new: int = 0                # URLs fetched for the first time
    gone: int = 0               # URLs marked gone this run (no listing showed them for N runs)
    report_links: int = 0       # article / attachment links the listings showed
    alarm: str | None = None    # why this run looks like a layout change (state.layout_alarm)
    script_drawn: str | None = None  # the sign of a listing drawn by script, when one was seen
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {k: getattr(self, k) for k in ("source", "requests", "fetched", "not_modified",
                                              "conditional", "parsed", "unchanged", "bytes",
                                              "seconds", "stopped", *REVISIT_FIGURES,
                                              "report_links", "alarm", "script_drawn")}
        data["statuses"] = dict(self.statuses)
        data["problems"] = [{"url": u, "status": s, "reason": r} for u, s, r in self.problems]
        return data


def served_as_note(content_type: str | None, sniffed: str) -> str:
    """' (served as X, but the bytes are Y)' when the server's type is a different one."""
    declared = (content_type or "").split(";")[0].strip().lower()
    if not declared or declared == sniffed or declared in ("application/octet-stream",
                                                           "binary/octet-stream"):
        return ""
    return f" (served as {declared}, but the bytes are {sniffed})"


class Crawler:
    """One run over one source; `await Crawler(...).run()` returns a CrawlSummary. Its url
    rows are written as it ends and, meanwhile, by `crawl_many` (`flush_together`)."""

    def __init__(self, source: Source, store, ingestor: Ingestor, *,
                 on_event: Event | None = None, fetcher: Fetcher | None = None,
                 revalidate_all: bool = False, documents: dict | None = None,
                 writer: BatchWriter | None = None, run_urls: RunUrls | None = None):
        self.source = source
        self.store = store
        self.ingestor = ingestor
        self.writer = writer or BatchWriter(ingestor)
        self.on_event = on_event or (lambda *_a: None)
        self.fetcher = fetcher or Fetcher(source)
        self.revalidate_all = revalidate_all
        self.summary = CrawlSummary(source.name)
        self.frontier = Frontier(store, source.name, run_urls)
        self.owners = ContentOwners(list(self.frontier.known.values()))
        self.documents = documents if documents is not None else all_documents(store)
        self._parses: set[asyncio.Task] = set()
        self._visits = 0
        self._counted: set[str] = set()  # a link on every page (site nav) is counted once
        self._due_now: set[str] = set()  # shown under a new title: asked even if fresh
        self._broken: list[str] = []     # listing pages that failed or stopped parsing
        self._listings_ok = 0
        self._api_items: set[str] = set()  # the items of the list endpoint's page before

    # ---- driving ---------------------------------------------------------------------
    async def run(self) -> CrawlSummary:
        started, started_at = time.monotonic(), now()
        for url in self.source.start_urls:
            self.frontier.schedule(Task(url, "listing", 0))
        if self.source.list_api:
            api = self.source.list_api
            self.frontier.schedule(Task(api_url(api, api.first_page), "api", 0))
        for task in self.frontier.resumable():
            self.frontier.schedule(task)
        workers = [asyncio.create_task(self._worker())
                   for _ in range(self.source.politeness.per_host_concurrency
                                  * max(1, len(self.source.scope_hosts)) + 1)]
        async with self.fetcher:
            await self.frontier.queue.join()
            for worker in workers:
                worker.cancel()
            while self._parses:
                await asyncio.gather(*list(self._parses))
        self.frontier.flush()
        self.summary.requests = self.fetcher.requests
        self.summary.bytes = self.fetcher.bytes_received
        self._close_run(started_at)
        self.summary.seconds = round(time.monotonic() - started, 3)
        return self.summary

    def _close_run(self, started_at: datetime) -> None:
        """Seen / vanished links, the layout alarm and this run's `crawl_runs` row."""
        complete = self.summary.stopped is None and not self._broken
        self.summary.gone = mark_seen(self.store, self.source.name, self.frontier.seen,
                                      started_at, complete, self.source.revisit.gone_after_runs)
        previous = last_complete_run(self.store, self.source.name)
        self.summary.alarm = layout_alarm(previous, self.summary.report_links, self._broken)
        record_run(self.store, source=self.source.name, started_at=started_at,
                   finished_at=now(), complete=complete and self.summary.alarm is None,
                   report_links=self.summary.report_links,
                   listings_ok=self._listings_ok, listings_failed=len(self._broken),
                   alarm=self.summary.alarm,
                   figures={k: getattr(self.summary, k) for k in
                            ("requests", "fetched", "parsed", *REVISIT_FIGURES, "script_drawn")})

    async def _worker(self) -> None:
        while True:
            task = await self.frontier.next()
            try:
                await self._visit(task)
            except Exception as exc:  # noqa: BLE001 - one URL never stops the crawl
                self._finish(task.url, status="failed",
                             reason=f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])
            finally:
                self.frontier.done()

    # ---- one URL ---------------------------------------------------------------------
    async def _visit(self, task: Task) -> None:
        if task.depth > self.source.limits.max_depth:
            self._finish(task.url, status="skipped",
                         reason=f"deeper than the limit of {self.source.limits.max_depth} links")
            return
        row = self.frontier.row(task.url)
        if (task.kind not in LISTS and not self.revalidate_all
                and task.url not in self._due_now and fresh(row, now(), self.documents)):
            self._fresh(task, row)
            return
        if self._visits >= self.source.limits.max_pages:
            self.summary.stopped = f"page limit of {self.source.limits.max_pages} reached"
            return  # stays queued for the next run
        self._visits += 1
        known = row is not None and row.get("status") in FINAL
        self.summary.due += known
        self.summary.new += not known
        self.on_event("fetch", task.url, None)
        etag, last_modified = self._validators(task.url)
        self.summary.conditional += bool(etag or last_modified)
        fetched = await self.fetcher.fetch(task.url, etag, last_modified)
        if not fetched.ok:
            start = task.url in self.source.start_urls or (task.kind == "api" and not task.parent)
            if task.kind == "api" and not start and fetched.http_status == 404:
                self._finish(task.url, status="skipped", http_status=404, last_fetched=now(),
                             reason="past the last page of the list endpoint (HTTP 404)")
                return
            if task.kind in LISTS and (start or (known and row["status"] == "ok")):
                self._broken.append(f"{task.url} failed ({fetched.reason})")
            self._finish(task.url, status=fetched.status, reason=fetched.reason,
                         http_status=fetched.http_status, last_fetched=now(),
                         attempts=fetched.attempts, **FORGET)
        elif fetched.not_modified:
            self._unchanged(task, fetched)
        else:
            await self._arrived(task, fetched)

    def _validators(self, url: str) -> tuple[str | None, str | None]:
        """ETag / Last-Modified to send, when the earlier outcome can be trusted as is."""
        row = self.frontier.row(url)
        if row is None or row["status"] in ("queued", "fetching"):
            return None, None
        doc = self.documents.get(row.get("document_id"))
        if doc is not None and doc["parser_version"] != PARSER_VERSION:
            return None, None  # a new parser: fetch the bytes again to re-parse them
        return row.get("etag"), row.get("last_modified")

    def _fresh(self, task: Task, row: dict) -> None:
        """Stored, unchanged and not due: no request; its known links are still walked."""
        self.summary.skipped_fresh += 1
        self._count(task.url, row["status"], row.get("reason"))
        self._walk_known(task.url)

    def _walk_known(self, url: str) -> list[Task]:
        """Schedule the links `url` had last time; count the ones that were only recorded."""
        for row in self.frontier.known_records(url):
            self._count(row["url"], row["status"], row.get("reason"))
        children = self.frontier.known_children(url)
        for child in children:
            self.frontier.schedule(child)
        return children

    def _unchanged(self, task: Task, fetched: Fetched) -> None:
        """A 304: keep the earlier outcome; revisit the links the page had last time."""
        self.summary.not_modified += 1
        row = self.frontier.row(task.url)
        self._finish(task.url, status=row["status"], reason=row.get("reason"),
                     http_status=304, last_fetched=now())
        children = self._walk_known(task.url)
        if task.kind in LISTS:
            self._listings_ok += 1
            self.summary.report_links += sum(c.kind != "listing" for c in children)

    async def _arrived(self, task: Task, fetched: Fetched) -> None:
        """A 200 with bytes: follow links of HTML pages; reports go to the parser."""
        self.summary.fetched += 1
        body = fetched.body or b""
        media_type = sniff(body, fetched.final_url)
        validators = dict(http_status=200, etag=fetched.etag, last_modified=fetched.last_modified,
                          content_type=fetched.content_type, last_fetched=now(),
                          attempts=fetched.attempts)
        row = self.frontier.row(task.url) or {}
        if row.get("status") not in FINAL:
            validators["last_changed"] = now()
        if task.kind == "api":
            self._api_page(task, fetched, validators)
            return
        if task.kind != "attachment" and media_type == HTML:
            links = extract_links(body, fetched.final_url, fetched.content_type)
            listed_before = bool(self.frontier.known_children(task.url))
            attachments = self._follow(task, links)
            if task.kind == "listing":
                self._listing_parsed(task, body, links, listed_before)
            if task.kind == "listing" or attachments:
                self._finish(task.url, status="ok", reason=None, **validators)
                return
        await self._report(task, body, validators)

    def _listing_parsed(self, task: Task, body: bytes, links: list[Link],
                        listed_before: bool) -> None:
        """Note a script-drawn list; flag a listing that used to list links and now has none."""
        self._listings_ok += 1
        if any(classify(link, self.source.patterns) for link in links if link.url != task.url):
            return
        marker = script_marker(body)
        if marker:
            self.summary.script_drawn = marker
        if listed_before:
            self._broken.append(f"{task.url} shows no report or page links any more"
                                + (f" (its list is drawn by script: {marker})" if marker else ""))

    def _api_page(self, task: Task, fetched: Fetched, validators: dict) -> None:
        """One page of the source's JSON list endpoint: its items, then the next page."""
        api = self.source.list_api
        links = api_links(fetched.body or b"", api, fetched.final_url)
        if links is None:
            reason = "the list endpoint did not answer with the JSON list expected"
            self._broken.append(f"{task.url}: {reason}")
            self._finish(task.url, status="failed", reason=reason, **validators)
            return
        self._listings_ok += 1
        links = [Link(link.url, link.text or "年度报告") for link in links]
        self._follow(task, links)
        self._finish(task.url, status="ok", reason=None, **validators)
        page, items = self._api_page_no(task.url), {link.url for link in links}
        again, self._api_items = items == self._api_items, items  # some repeat the last page
        if items and not again and page + 1 < api.first_page + api.max_pages:
            self.frontier.schedule(Task(api_url(api, page + 1), "api", 0, task.url))

    def _api_page_no(self, url: str) -> int:
        api = self.source.list_api
        for page in range(api.first_page, api.first_page + api.max_pages):
            if api_url(api, page) == url:
                return page
        return api.first_page

    def _follow(self, task: Task, links: list[Link]) -> int:
        """Schedule the page's report links (or record why not); return the attachment count."""
        kinds = [self._kind(task, link) for link in links]
        kept = [(link, kind) for link, kind in zip(links, kinds)
                if kind is not None and link.url != task.url]
        with self.frontier.looked_up([link.url for link, _kind in kept]):
            return self._follow_links(task, kept)

    def _kind(self, task: Task, link: Link) -> str | None:
        kind = classify(link, self.source.patterns)
        if task.kind == "api" and kind is None:
            kind = "attachment" if self._is_file(link) else "article"
        return kind

    def _follow_links(self, task: Task, kept: list[tuple[Link, str]]) -> int:
        attachments, linked = 0, []
        for link, kind in kept:
            linked.append(link.url)
            if kind == "not_report":
                self.frontier.record(link.url, kind="article", status="not_report",
                                     reason=not_report_reason(link), parent_url=task.url)
                self._count(link.url, "not_report", not_report_reason(link))
                continue
            if task.kind == "article" and kind != "attachment":
                continue  # from an article only its attachments are followed
            reason = out_of_scope(link.url, self.source)
            if reason:
                self.frontier.record(link.url, kind=kind, status="skipped", reason=reason,
                                     parent_url=task.url)
                self._count(link.url, "skipped", reason)
                continue
            attachments += kind == "attachment"
            if task.kind in LISTS and kind != "listing":
                self.summary.report_links += 1
            self._retitled(task, link)
            if kind != "listing" and self.frontier.row(link.url) is None:
                self.ingestor.warm()  # a new report to come: workers load their models meanwhile
            depth = task.depth + (kind != "listing" or task.kind not in LISTS)  # pages of one list
            self.frontier.schedule(Task(link.url, kind, depth, task.url, link.text))
        self.frontier.relink(task.url, linked)
        return attachments

    def _is_file(self, link: Link) -> bool:
        matcher = self.source.patterns.matcher("attachment_url")
        return bool(matcher and matcher.search(link.url))

    def _retitled(self, task: Task, link: Link) -> None:
        """A known link that its page now shows under another title is due at once."""
        row = self.frontier.row(link.url)
        if row is None or not link.text or row.get("parent_url") != task.url:
            return
        if row.get("link_text") != link.text:
            if row.get("link_text") is not None:
                self._due_now.add(link.url)
            self.frontier.update(link.url, link_text=link.text)

    # ---- reports ---------------------------------------------------------------------
    async def _report(self, task: Task, body: bytes, validators: dict) -> None:
        """Decide between unchanged, duplicate and new for a report's bytes."""
        sha = sha256_of(body)
        row = self.frontier.row(task.url) or {}
        owner = self.owners.owner(sha)
        if owner is not None and owner != task.url:
            self._background(self._duplicate(task.url, sha, owner, validators))
            return
        previous = self.documents.get(row.get("document_id"))
        self.summary.changed += bool(row.get("sha256")) and row.get("sha256") != sha
        if (row.get("sha256") == sha and previous is not None
                and previous["parser_version"] == PARSER_VERSION):
            self.summary.unchanged += 1
            self._finish(task.url, status=row["status"], reason=row.get("reason"),
                         sha256=sha, **validators)
            return
        if self.ingestor.already_parsed(sha):  # stored before, e.g. from a local file
            doc_id = self.ingestor.add_source(task.url, sha)
            self.summary.unchanged += 1
            self._finish(task.url, **self._known_document(task.url, doc_id), sha256=sha,
                         document_id=doc_id, **validators)
            return
        done = self.owners.claim(sha, task.url)
        self.on_event("parse", task.url, None)
        future = self.ingestor.submit(task.url, data=body)
        note = served_as_note(validators.get("content_type"), sniff(body, task.url))
        self._background(self._stored(task, sha, future, done, validators, note))

    def _background(self, coroutine) -> None:
        """Run `coroutine` beside the fetching; the run waits for it before ending."""
        job = asyncio.create_task(coroutine)
        self._parses.add(job)
        job.add_done_callback(self._parses.discard)

    async def _duplicate(self, url: str, sha: str, owner: str, validators: dict) -> None:
        """Another URL owns these bytes: once its document exists, point this URL at it."""
        doc_id = await self.owners.document_id(sha)
        if doc_id is not None:
            self.ingestor.add_source(url, sha)
        self._finish(url, status="duplicate", reason=f"same file as {owner}", sha256=sha,
                     document_id=doc_id, **validators)

    def _known_document(self, url: str, doc_id: int) -> dict:
        """Status of a URL whose bytes are an already stored document."""
        sources = self.store.document_sources(doc_id)
        if sources and sources[0] == url:  # this URL is where the document came from
            doc = self.documents.get(doc_id) or {"status": "ok", "reason": None}
            return {"status": doc["status"], "reason": doc["reason"]}
        return {"status": "duplicate", "reason": f"same file as {sources[0] if sources else doc_id}"}

    async def _stored(self, task: Task, sha: str, future, done: asyncio.Future,
                      validators: dict, note: str = "") -> None:
        """Wait for a parse, store the outcome, then mark the URL done (in that order)."""
        try:
            parsed = await asyncio.wrap_future(future)
        except Exception as exc:  # noqa: BLE001 - a worker that died: retried next run
            done.set_result(None)
            self._finish(task.url, status="failed",
                         reason=f"parse worker failed: {type(exc).__name__}", **FORGET)
            return
        try:
            outcome = await self.writer.save(task.url, sha, parsed)
        except Exception as exc:  # noqa: BLE001 - a store error fails this URL only
            done.set_result(None)
            self._finish(task.url, status="failed", reason=f"cannot store: {exc}".splitlines()[0])
            return
        self.summary.parsed += 1
        self.documents[outcome.document_id] = {"id": outcome.document_id, "status": outcome.status,
                                               "reason": outcome.reason,
                                               "parser_version": PARSER_VERSION}
        reason = f"{outcome.reason}{note}" if outcome.reason else None
        self._finish(task.url, status=outcome.status, reason=reason, sha256=sha,
                     document_id=outcome.document_id, **{**validators, "last_changed": now()})
        done.set_result(outcome.document_id)

    # ---- bookkeeping -----------------------------------------------------------------
    def _finish(self, url: str, *, status: str, reason: str | None, **fields) -> None:
        row = self.frontier.row(url) or {}
        if row.get("kind") not in LISTS and status in FINAL and "next_due" not in fields:
            changed = fields.get("last_changed") or row.get("last_changed") or row.get("first_seen")
            fields["next_due"] = next_due(self.source.revisit, now(), status, changed)
        self.frontier.update(url, status=status, reason=reason, **fields)
        self._count(url, status, reason)

    def _count(self, url: str, status: str, reason: str | None) -> None:
        if url in self._counted:
            return
        self._counted.add(url)
        self.summary.statuses[status] += 1
        if status in ("failed", "skipped", "not_report", "duplicate") and reason:
            self.summary.problems.append((url, status, reason))
        self.on_event("done", url, status)


def all_documents(store) -> dict[int, dict]:
    return {d["id"]: d for d in store.documents()}


async def crawl_many(sources: list[Source], store, ingestor: Ingestor, *,
                     on_event: Callable[[Source], Event | None] | None = None,
                     revalidate_all: bool = False, max_in_flight: int | None = None
                     ) -> list[CrawlSummary]:
    """Crawl `sources` at once: each host keeps its own limit and pace (one gate per host for
    all sources), at most `max_in_flight` requests in flight overall (settings crawl block)."""
    from ..settings import load_settings

    shared = Shared(max_in_flight or load_settings().crawl.max_in_flight)
    documents = all_documents(store)
    writer = BatchWriter(ingestor)
    run_urls = RunUrls(store, [s.name for s in sources])
    crawlers = [Crawler(s, store, ingestor, on_event=on_event(s) if on_event else None,
                        fetcher=Fetcher(s, shared=shared), revalidate_all=revalidate_all,
                        documents=documents, writer=writer, run_urls=run_urls) for s in sources]
    flusher = asyncio.create_task(flush_together(store, [c.frontier for c in crawlers]))
    try:
        return list(await asyncio.gather(*(c.run() for c in crawlers)))
    finally:
        flusher.cancel()


async def flush_together(store, frontiers: list[Frontier]) -> None:
    """Every FLUSH_SECONDS, the buffered url rows of all `frontiers` in one transaction (a
    run over hundreds of sources writes once a second, not once per source a second)."""
    while True:
        await asyncio.sleep(FLUSH_SECONDS)
        flush_frontiers(store, frontiers)


def crawl_sources(sources: list[Source], store, jobs: int = 2, ingestor: Ingestor | None = None,
                  **options) -> list[CrawlSummary]:
    """Crawl many sources at once (blocking); new reports are parsed in `jobs` processes."""
    if ingestor is not None:
        return asyncio.run(crawl_many(sources, store, ingestor, **options))
    with Ingestor(store, jobs) as own:
        return asyncio.run(crawl_many(sources, store, own, **options))


def crawl_source(source: Source, store, jobs: int = 2, on_event: Event | None = None,
                 ingestor: Ingestor | None = None, revalidate_all: bool = False) -> CrawlSummary:
    """Crawl `source` once (blocking); parse new reports in `jobs` processes."""
    [summary] = crawl_sources([source], store, jobs, ingestor, revalidate_all=revalidate_all,
                              on_event=(lambda _s: on_event) if on_event else None)
    return summary
