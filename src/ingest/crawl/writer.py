"""The crawl's last room: parse outcomes stored in batches, one transaction each.

A crawl parses in worker processes while this process fetches; every outcome that comes
back waits here (at most `max_wait` seconds, or until `max_batch` are waiting) and is then
stored together with the others in one transaction (`Ingestor.save_many`): one commit and
one series refresh per agency per batch instead of per report. `await writer.save(...)`
returns once the outcome is stored, so the caller marks its URL done only after that. A
batch the store refuses is stored again one outcome at a time: a bad one fails alone.
"""
from __future__ import annotations

import asyncio

from ..ingest import Ingestor, Outcome, Parsed


class BatchWriter:
    """Stores parse outcomes for many crawlers of one event loop, in batches."""

    def __init__(self, ingestor: Ingestor, max_batch: int = 100, max_wait: float = 1.0):
        self.ingestor = ingestor
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._waiting: list[tuple[str, str, Parsed, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None

    async def save(self, uri: str, sha256: str, parsed: Parsed) -> Outcome:
        """Store one outcome with the next batch; raises what storing it alone raised."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._waiting.append((uri, sha256, parsed, done))
        if len(self._waiting) >= self.max_batch:
            self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.max_wait, self.flush)
        return await done

    def flush(self) -> None:
        """Store everything waiting now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            outcomes = self.ingestor.save_many([(u, s, p) for u, s, p, _f in batch])
        except Exception:  # noqa: BLE001 - find the one the store refuses: each on its own
            for uri, sha, parsed, done in batch:
                try:
                    _settle(done, self.ingestor.save(uri, sha, parsed))
                except Exception as exc:  # noqa: BLE001
                    _settle(done, error=exc)
            return
        for (_u, _s, _p, done), outcome in zip(batch, outcomes):
            _settle(done, outcome)


def _settle(done: asyncio.Future, outcome: Outcome | None = None,
            error: Exception | None = None) -> None:
    """Hand the outcome (or the error) to a waiting save, unless it was cancelled meanwhile."""
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(outcome)
