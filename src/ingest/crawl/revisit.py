"""The revisit policy: which known URLs a run asks again, and when each is due next.

Listing pages are revalidated every run (a conditional GET). A stored article or attachment
whose earlier outcome stands is asked again only once it is due: `next_due` is set when it
is visited, `age_factor` x the time since its bytes last changed, clamped to
[min_interval_hours, max_interval_days] (a report unchanged for a year is asked monthly, a
fresh one daily); a failed URL is due again after `retry_failed_hours`. A URL is due at once
when the parser changed, when the page linking to it shows a new title for it, or when the
run is told to revalidate everything (`ingest run --revalidate all`).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .. import PARSER_VERSION
from .sources import Revisit

FINAL = ("ok", "failed", "skipped", "not_report", "duplicate")


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive (they were stored in UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def next_due(policy: Revisit, now: datetime, status: str,
             last_changed: datetime | None) -> datetime:
    """When a URL visited `now` with outcome `status` is to be asked again."""
    if status == "failed":
        return now + timedelta(hours=policy.retry_failed_hours)
    age = now - (aware(last_changed) or now)
    interval = age * policy.age_factor
    low = timedelta(hours=policy.min_interval_hours)
    high = timedelta(days=policy.max_interval_days)
    return now + min(max(interval, low), max(high, low))


def fresh(row: dict | None, now: datetime, documents: dict) -> bool:
    """True when the stored outcome of `row` stands and it is not due yet."""
    if row is None or row.get("status") not in FINAL or row.get("kind") == "listing":
        return False
    due = aware(row.get("next_due"))
    if due is None or due <= now:
        return False
    doc = documents.get(row.get("document_id"))
    return doc is None or doc["parser_version"] == PARSER_VERSION
