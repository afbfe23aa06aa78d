"""Crawl one source: fetch pages politely, follow report links, hand reports to the parser.

    listing page  -> links: pagination, report articles, attachments
    article page  -> its attachments, or (none) the page itself is the report, inline
    attachment    -> the report file (type sniffed from the bytes)

Every report's bytes are hashed: an unchanged file (same sha as last time, or a 304) is
not parsed again; the same file under another URL becomes a `duplicate` of the first;
anything new is parsed in worker processes (ingest.Ingestor) while fetching goes on.
Every URL's status, reason, validators and hash land in the store's `urls` table.
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
from .fetcher import Fetched, Fetcher
from .frontier import Frontier, Task
from .links import extract_links
from .safety import out_of_scope
from .sources import Source

FORGET = {"etag": None, "last_modified": None}  # so the next run fetches it in full
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
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {k: getattr(self, k) for k in ("source", "requests", "fetched", "not_modified",
                                              "conditional", "parsed", "unchanged", "bytes",
                                              "seconds", "stopped")}
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
    """One run over one source; `await Crawler(...).run()` returns a CrawlSummary."""

    def __init__(self, source: Source, store, ingestor: Ingestor, *,
                 on_event: Event | None = None, fetcher: Fetcher | None = None):
        self.source = source
        self.store = store
        self.ingestor = ingestor
        self.on_event = on_event or (lambda *_a: None)
        self.fetcher = fetcher or Fetcher(source)
        self.summary = CrawlSummary(source.name)
        self.frontier = Frontier(store, source.name)
        self.owners = ContentOwners(list(self.frontier.known.values()))
        self.documents = {d["id"]: d for d in store.documents()}
        self._parses: set[asyncio.Task] = set()
        self._visits = 0
        self._counted: set[str] = set()  # a link on every page (site nav) is counted once

    # ---- driving ---------------------------------------------------------------------
    async def run(self) -> CrawlSummary:
        started = time.monotonic()
        for url in self.source.start_urls:
            self.frontier.schedule(Task(url, "listing", 0))
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
        self.summary.requests = self.fetcher.requests
        self.summary.bytes = self.fetcher.bytes_received
        self.summary.seconds = round(time.monotonic() - started, 3)
        return self.summary

    async def _worker(self) -> None:
        while True:
            task = await self.frontier.queue.get()
            try:
                await self._visit(task)
            except Exception as exc:  # noqa: BLE001 - one URL never stops the crawl
                self._finish(task.url, status="failed",
                             reason=f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])
            finally:
                self.frontier.queue.task_done()

    # ---- one URL ---------------------------------------------------------------------
    async def _visit(self, task: Task) -> None:
        if task.depth > self.source.limits.max_depth:
            self._finish(task.url, status="skipped",
                         reason=f"deeper than the limit of {self.source.limits.max_depth} links")
            return
        if self._visits >= self.source.limits.max_pages:
            self.summary.stopped = f"page limit of {self.source.limits.max_pages} reached"
            return  # stays queued for the next run
        self._visits += 1
        self.on_event("fetch", task.url, None)
        etag, last_modified = self._validators(task.url)
        self.summary.conditional += bool(etag or last_modified)
        fetched = await self.fetcher.fetch(task.url, etag, last_modified)
        if not fetched.ok:
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

    def _unchanged(self, task: Task, fetched: Fetched) -> None:
        """A 304: keep the earlier outcome; revisit the links the page had last time."""
        self.summary.not_modified += 1
        row = self.frontier.row(task.url)
        self.frontier.update(task.url, http_status=304, last_fetched=now())
        self._count(task.url, row["status"], row.get("reason"))
        for child in self.frontier.known_children(task.url):
            self.frontier.schedule(child)

    async def _arrived(self, task: Task, fetched: Fetched) -> None:
        """A 200 with bytes: follow links of HTML pages; reports go to the parser."""
        self.summary.fetched += 1
        body = fetched.body or b""
        media_type = sniff(body, fetched.final_url)
        validators = dict(http_status=200, etag=fetched.etag, last_modified=fetched.last_modified,
                          content_type=fetched.content_type, last_fetched=now(),
                          attempts=fetched.attempts)
        if task.kind != "attachment" and media_type == HTML:
            attachments = self._follow(task, fetched)
            if task.kind == "listing" or attachments:
                self._finish(task.url, status="ok", reason=None, **validators)
                return
        await self._report(task, body, validators)

    def _follow(self, task: Task, fetched: Fetched) -> int:
        """Schedule the page's report links (or record why not); return the attachment count."""
        attachments = 0
        for link in extract_links(fetched.body or b"", fetched.final_url, fetched.content_type):
            kind = classify(link, self.source.patterns)
            if kind is None or link.url == task.url:
                continue
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
            depth = task.depth + (kind != "listing" or task.kind != "listing")  # pages of one list
            self.frontier.schedule(Task(link.url, kind, depth, task.url))
        return attachments

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
            outcome = self.ingestor.save(task.url, sha, parsed)
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
                     document_id=outcome.document_id, last_changed=now(), **validators)
        done.set_result(outcome.document_id)

    # ---- bookkeeping -----------------------------------------------------------------
    def _finish(self, url: str, *, status: str, reason: str | None, **fields) -> None:
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


def crawl_source(source: Source, store, jobs: int = 2, on_event: Event | None = None,
                 ingestor: Ingestor | None = None) -> CrawlSummary:
    """Crawl `source` once (blocking); parse new reports in `jobs` processes."""
    if ingestor is not None:
        return asyncio.run(Crawler(source, store, ingestor, on_event=on_event).run())
    with Ingestor(store, jobs) as own:
        return asyncio.run(Crawler(source, store, own, on_event=on_event).run())
