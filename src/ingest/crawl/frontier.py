"""The crawl frontier of one run, persisted in the store's `urls` table.

Every URL worth following is written as a `queued` row the moment it is discovered (before
its parent page is marked done), so a killed run resumes from the store: a rerun starts
from the start URLs, re-checks known pages conditionally, and reaches every queued row
through its parent (a 304 parent hands over the children it had last time).

Tasks are taken report-first: an attachment before an article, an article before another
listing page, each kind in discovery order. Reports so reach the parse workers from the first
seconds on, the heavy files (attachments) among them, instead of after the whole listing has
been paged through; a listing page still comes before the articles it links.
"""
from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterator
from dataclasses import dataclass

from .state import source_urls, write_urls

FLUSH_EVERY = 100      # buffered url rows written together
FLUSH_SECONDS = 1.0    # ... or this often (crawler.flush_together)
TAKE_ORDER = {"attachment": 0, "article": 1}  # then listing pages and list-endpoint pages


@dataclass(frozen=True)
class Task:
    url: str
    kind: str            # listing | article | attachment
    depth: int = 0
    parent: str | None = None
    text: str | None = None   # the anchor text it was linked with


class RunUrls:
    """The URLs the frontiers of one run know (stored or about to be), so that a link none of
    them knows is not looked up in the store at all, as long as the store held no URL of any
    other source when the run began (asked once). A frontier without one asks the store
    about every link it does not know itself."""

    def __init__(self, store, sources: list[str]):
        self.foreign = store.has_urls_outside(sources)
        self.urls: set[str] = set()

    def may_be_stored(self, url: str) -> bool:
        """False when `url` surely has no row in the store."""
        return self.foreign or url in self.urls


class Frontier:
    """The URLs to visit in this run: each at most once, children of unchanged pages known."""

    def __init__(self, store, source_name: str, run_urls: RunUrls | None = None):
        self.store = store
        self.source = source_name
        self.run_urls = run_urls
        self.known: dict[str, dict] = {r["url"]: r for r in source_urls(store, source_name)}
        if run_urls is not None:
            run_urls.urls.update(self.known)
        self._children: dict[str, list[str]] = defaultdict(list)
        for row in self.known.values():
            if row["parent_url"]:
                self._children[row["parent_url"]].append(row["url"])
        self.queue: asyncio.PriorityQueue[tuple[int, int, Task]] = asyncio.PriorityQueue()
        self._order = itertools.count()  # discovery order within a kind
        self._scheduled: set[str] = set()
        self.seen: set[str] = set()  # linked from a page this run (or a start URL)
        self._pending: dict[str, dict] = {}  # url -> fields not written yet
        self._stored: set[str] = set(self.known)  # urls with a row in the store
        self._absent: set[str] = set()  # urls just looked up and not in the store (looked_up)

    def row(self, url: str) -> dict | None:
        return self.known.get(url)

    def update(self, url: str, **fields) -> None:
        """Write fields of `url` to the store (and keep the in-memory copy in step). Writes
        are buffered and flushed together, in the order made (`flush`, at most FLUSH_EVERY
        rows or FLUSH_SECONDS apart): a killed run loses at most that much, which the next
        run redoes (parsed bytes are never parsed again)."""
        self._pending.setdefault(url, {}).update(fields)
        if url not in self.known:
            self.known[url] = {"url": url, "parent_url": None}
            if self.run_urls is not None:
                self.run_urls.urls.add(url)
        self.known[url].update(fields)
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows in one transaction."""
        flush_frontiers(self.store, [self])

    def _take(self) -> dict[str, dict]:
        """The buffered rows, handed over for writing (they count as stored from now on)."""
        pending, self._pending = self._pending, {}
        return pending

    def schedule(self, task: Task) -> bool:
        """Queue `task` unless its URL is already scheduled in this run; persist new URLs."""
        self.seen.add(task.url)
        if task.url in self._scheduled:
            return False
        self._scheduled.add(task.url)
        if task.url not in self.known and not self._elsewhere(task.url):
            self.update(task.url, source=self.source, kind=task.kind, status="queued",
                        parent_url=task.parent, depth=task.depth, link_text=task.text)
            if task.parent:
                self._children[task.parent].append(task.url)
        self.queue.put_nowait((TAKE_ORDER.get(task.kind, 2), next(self._order), task))
        return True

    async def next(self) -> Task:
        """The next task to visit (report-first, see the module's docstring); call `done`
        once it is visited."""
        return (await self.queue.get())[2]

    def done(self) -> None:
        self.queue.task_done()

    @contextmanager
    def looked_up(self, urls: list[str]) -> Iterator[None]:
        """While scheduling the links of one page: the store is asked about all of them in
        one query, instead of one query per link (`_elsewhere`)."""
        unknown = [u for u in dict.fromkeys(urls) if u not in self.known and u not in self._pending]
        ask = [u for u in unknown if self._may_be_stored(u)]
        rows = self.store.get_urls(ask) if ask else {}
        self._stored.update(rows)
        self.known.update(rows)
        self._absent = set(unknown) - set(rows)
        try:
            yield
        finally:
            self._absent = set()

    def _elsewhere(self, url: str) -> bool:
        """True (and the row taken in) when another source already knows `url`."""
        if url in self._pending or url in self._absent or not self._may_be_stored(url):
            return False
        row = self.store.get_url(url)
        if row is not None:
            self.known[url] = row
            self._stored.add(url)
        return row is not None

    def _may_be_stored(self, url: str) -> bool:
        return self.run_urls is None or self.run_urls.may_be_stored(url)

    def record(self, url: str, **fields) -> None:
        """Remember a URL that is not followed (out of scope, not a report) with its reason."""
        self.seen.add(url)
        row = self.known.get(url)
        if row is None and self._elsewhere(url):
            return
        if row is None or any(row.get(k) != v for k, v in fields.items()):
            self.update(url, source=self.source, **fields)

    def known_children(self, url: str) -> list[Task]:
        """The URLs found on `url` last time it changed (used when it answers 304)."""
        return [Task(child, self.known[child]["kind"], self.known[child]["depth"] or 0, url)
                for child in self._children.get(url, ()) if not self._unfollowed(child)]

    def relink(self, parent: str, urls: list[str]) -> None:
        """`parent` answered in full and links `urls` now: a child no longer on it is
        unlinked (no longer walked when `parent` answers 304); an unlinked URL found
        here is adopted."""
        now = set(urls)
        for child in list(self._children.get(parent, ())):
            if child not in now:
                self._children[parent].remove(child)
                self.update(child, parent_url=None)
        for url in urls:
            row = self.known.get(url)
            if row is not None and row.get("parent_url") is None and url != parent:
                self.update(url, parent_url=parent)
                self._children[parent].append(url)

    def known_records(self, url: str) -> list[dict]:
        """The links on `url` last time that were recorded, not followed (out of scope, not
        a report); they count as seen again."""
        rows = [self.known[c] for c in self._children.get(url, ()) if self._unfollowed(c)]
        self.seen.update(r["url"] for r in rows)
        return rows

    def _unfollowed(self, url: str) -> bool:
        row = self.known[url]
        return row["status"] in ("not_report", "skipped") and not row.get("sha256")

    def resumable(self) -> list[Task]:
        """Rows left queued (or mid-fetch) by an earlier run, shallowest first."""
        rows = [r for r in self.known.values()
                if r["status"] in ("queued", "fetching") and r["source"] == self.source]
        rows.sort(key=lambda r: (r["depth"] or 0, r.get("id") or 0))
        return [Task(r["url"], r["kind"], r["depth"] or 0, r["parent_url"]) for r in rows]


def flush_frontiers(store, frontiers: list[Frontier]) -> None:
    """Write the buffered rows of many frontiers (one store) in one transaction."""
    batches = [(f, f._take()) for f in frontiers if f._pending]
    if not batches:
        return
    rows: dict[str, dict] = {}
    stored: set[str] = set()  # of these rows, the ones with a row in the store already
    for f, pending in batches:
        for url, fields in pending.items():  # a URL two sources share: both sets of fields
            rows.setdefault(url, {}).update(fields)
            if url in f._stored:
                stored.add(url)
    write_urls(store, rows, stored)
    for f, pending in batches:
        f._stored.update(pending)
