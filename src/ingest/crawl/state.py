"""Crawl state kept across runs, beside the `urls` rows the frontier writes:

    write_urls(store, rows)
        many `urls` rows inserted or updated in one transaction
    mark_seen(store, source, seen, now, complete, gone_after)
        URLs found linked this run: last_seen = now, missed_runs = 0, not gone; after a
        complete run every other URL of the source misses one more run and is marked gone
        (gone_since) once it missed `gone_after` runs in a row. Nothing is deleted.
    layout_alarm(previous, report_links, broken)
        why a run looks like the portal changed its layout, or None
    record_run / last_runs
        one `crawl_runs` row per source and run, read by alarms and `ingest sources status`
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..store.models import CrawlRun, Url

CHUNK = 500


def mark_seen(store, source: str, seen: set[str], now: datetime, complete: bool,
              gone_after: int) -> int:
    """Update seen/missed/gone for the source's URLs; return how many became gone."""
    urls = sorted(seen)
    with store.writer.begin() as session:
        if complete:  # everything misses this run, then what was seen is reset
            session.execute(update(Url).where(Url.source == source, Url.gone_since.is_(None))
                            .values(missed_runs=Url.missed_runs + 1))
        for start in range(0, len(urls), CHUNK):
            session.execute(update(Url).where(Url.url.in_(urls[start:start + CHUNK]))
                            .values(last_seen=now, missed_runs=0, gone_since=None))
        if not complete:
            return 0
        gone = session.execute(update(Url).where(
            Url.source == source, Url.gone_since.is_(None), Url.missed_runs >= gone_after)
            .values(gone_since=now))
        return gone.rowcount or 0


def write_urls(store, rows: dict[str, dict], stored: set[str] | None = None) -> None:
    """Insert or update many `urls` rows in one transaction (the frontier's buffered writes).
    `stored`: the URLs known to have a row already (updated, the others inserted), grouped
    into one executemany per set of fields; without it, or when another process inserted
    one of them meanwhile, each row is updated, else inserted, one by one."""
    if stored is not None:
        try:
            with store.writer.begin() as session:
                _write_grouped(session.connection(), rows, stored)
            return
        except IntegrityError:
            pass
    for attempt in range(2):
        try:
            with store.writer.begin() as session:
                for url, fields in rows.items():
                    found = session.execute(update(Url).where(Url.url == url)
                                            .values(**(fields or {"url": url})))
                    if found.rowcount == 0:
                        session.execute(insert(Url).values(url=url, **fields))
            return
        except IntegrityError:  # another process inserted one of them meanwhile: update it
            if attempt:
                raise


def _write_grouped(connection, rows: dict[str, dict], stored: set[str]) -> None:
    """One INSERT executemany per field set of the new rows, one UPDATE per field set of the
    stored ones."""
    table = Url.__table__
    groups: dict[tuple[bool, tuple[str, ...]], list[dict]] = {}
    for url, fields in rows.items():
        if fields or url not in stored:
            groups.setdefault((url in stored, tuple(sorted(fields))), []).append(
                {**fields, "url": url} if url not in stored else {**fields, "_url": url})
    for (update_it, keys), params in groups.items():
        if update_it:
            connection.execute(update(table).where(table.c.url == bindparam("_url"))
                               .values({k: bindparam(k) for k in keys}), params)
        else:
            connection.execute(insert(table), params)


def source_urls(store, source: str) -> list[dict]:
    """Every `urls` row of one source, as dicts."""
    with store.session() as session:
        rows = session.scalars(select(Url).where(Url.source == source).order_by(Url.id))
        return [{c.name: getattr(r, c.name) for c in Url.__table__.columns} for r in rows]


def layout_alarm(previous: dict | None, report_links: int, broken: list[str]) -> str | None:
    """The alarm of a run: listing pages that stopped parsing, or no report links where the
    last complete run found some."""
    if broken:
        return "listing stopped parsing: " + "; ".join(broken[:3])
    if report_links == 0 and previous and previous["report_links"] > 0:
        return (f"no report links found, where the run of {previous['started_at']:%Y-%m-%d %H:%M} "
                f"found {previous['report_links']}: has the portal's layout changed?")
    return None


def last_complete_run(store, source: str) -> dict | None:
    with store.session() as session:
        row = session.scalar(select(CrawlRun).where(CrawlRun.source == source,
                                                    CrawlRun.complete.is_(True),
                                                    CrawlRun.report_links > 0)
                             .order_by(CrawlRun.id.desc()).limit(1))
        return _run_dict(row) if row else None


def record_run(store, **fields) -> None:
    with store.writer.begin() as session:
        session.add(CrawlRun(**fields))


def last_runs(store) -> list[dict]:
    """The latest run of every source, by source name."""
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source)
    with store.session() as session:
        rows = session.scalars(select(CrawlRun).where(CrawlRun.id.in_(latest))
                               .order_by(CrawlRun.source))
        return [_run_dict(r) for r in rows]


def url_counts(store) -> dict[str, dict]:
    """Per source: URLs known, gone, failed."""
    query = select(Url.source, func.count(), func.count(Url.gone_since),
                   func.sum(case((Url.status == "failed", 1), else_=0)))
    with store.session() as session:
        rows = session.execute(query.group_by(Url.source))
        return {s: {"urls": n, "gone": g, "failed": int(f or 0)} for s, n, g, f in rows}


def _run_dict(row: CrawlRun) -> dict:
    data = {c.name: getattr(row, c.name) for c in CrawlRun.__table__.columns}
    from .revisit import aware

    data["started_at"] = aware(data["started_at"])
    data["finished_at"] = aware(data["finished_at"])
    return data
