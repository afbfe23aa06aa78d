"""Primary keys for a batch's new rows, taken in one query before the rows are inserted.

A batch inserts thousands of statements and search units whose ids it needs (themes and the
FTS5 index point at them). Asking the database for them with INSERT … RETURNING in parameter
order makes SQLAlchemy send one statement per row on SQLite; reserving the ids first lets
the rows go in with one executemany:

- SQLite: the next ids after the largest stored one. A writing transaction holds the
  database's write lock from its first statement (BEGIN IMMEDIATE, db.py), so no other
  writer can take them meanwhile; SQLite itself numbers rows the same way (no AUTOINCREMENT).
- PostgreSQL: `nextval` of the column's sequence, as many times as there are rows.
- Any other database: None, and the caller inserts with RETURNING.
"""
from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int] | None:
    """`count` unused ids of `table` (its `id` column), in increasing order; None where the
    database has no way to hand them out in advance (see the module's docstring)."""
    if count <= 0:
        return []
    dialect = connection.dialect.name
    if dialect == "sqlite":
        top = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        return list(range(top + 1, top + 1 + count))
    if dialect == "postgresql":
        return list(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)"), {"table": table.name, "n": count}).scalars())
    return None
