"""The store: documents, their parsed rows, crawl state and the search index, on SQLite or
PostgreSQL through the same Alembic migrations.

    from ingest.store import open_store
    store = open_store()            # output/ingest.db, or $INGEST_DB
    store.save_document(...)
"""
from __future__ import annotations

from .db import make_engine, normalise_url, upgrade
from .repository import Store


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating as needed) the store at `url` (None: the default store)."""
    engine = make_engine(normalise_url(url))
    upgrade(engine)
    return Store(engine)


__all__ = ["Store", "open_store"]
