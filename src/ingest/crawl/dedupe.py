"""Content-hash dedupe: the same file under two URLs is one document.

The first URL to bring a sha256 owns it (its parse is in flight or done); any other URL
with the same bytes waits for the owner's document and is recorded as a duplicate of it.
"""
from __future__ import annotations

import asyncio


class ContentOwners:
    """sha256 -> (owning URL, a future that resolves to the owner's document id)."""

    def __init__(self, rows: list[dict]):
        self._owners: dict[str, tuple[str, asyncio.Future | int | None]] = {}
        for row in rows:  # earlier runs: the first URL per sha that produced a document
            sha = row.get("sha256")
            if sha and row.get("document_id") and row["status"] != "duplicate":
                self._owners.setdefault(sha, (row["url"], row["document_id"]))

    def owner(self, sha256: str) -> str | None:
        found = self._owners.get(sha256)
        return found[0] if found else None

    def claim(self, sha256: str, url: str) -> asyncio.Future:
        """Make `url` the owner of `sha256`; resolve the returned future with its doc id."""
        future = asyncio.get_running_loop().create_future()
        self._owners[sha256] = (url, future)
        return future

    async def document_id(self, sha256: str) -> int | None:
        """The owner's document id, waiting for its parse when it is still in flight."""
        _url, held = self._owners[sha256]
        if isinstance(held, asyncio.Future):
            return await asyncio.shield(held)
        return held
