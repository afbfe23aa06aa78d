"""Many rows into one table in one executemany: the batch writes of store/children.py.

SQLAlchemy turns every row of an executemany into the driver's parameters one by one (type
conversion, defaults), which is most of what storing a crawl's ~100 table cells per report
costs. Where no column of the rows needs a conversion on this database (integers, text, and
floats, which the rows must carry as Python floats), the rows go to the driver as they are,
in the statement SQLAlchemy compiled; any other table goes through SQLAlchemy as usual. This
is done on SQLite, whose driver runs an executemany natively; on PostgreSQL SQLAlchemy's own
executemany (many rows per INSERT) is the faster one.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Float, Table, insert
from sqlalchemy.engine import Connection, Dialect

from .ids import reserve_ids


def insert_many(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`."""
    if not rows:
        return
    columns = tuple(rows[0])
    plain = _plain_statement(connection.dialect, table, columns)
    if plain is None:
        connection.execute(insert(table), rows)
        return
    sql, order = plain
    connection.exec_driver_sql(sql, [tuple(row[k] for k in order) for row in rows])


def insert_rows(connection: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert `rows` (without ids) into `table` in one executemany; return their new ids, in
    the order of `rows` (store/ids.py reserves them)."""
    if not rows:
        return []
    ids = reserve_ids(connection, table, len(rows))
    if ids is None:
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(returning, rows).scalars())
    insert_many(connection, table, [dict(row, id=i) for row, i in zip(rows, ids)])
    return ids


@lru_cache(maxsize=256)
def _plain_statement(dialect: Dialect, table: Table, columns: tuple[str, ...]
                     ) -> tuple[str, tuple[str, ...]] | None:
    """(SQL, parameter order) of an INSERT of `columns` whose values the driver takes as
    they are; None when one of them needs converting (or a column the rows leave out has a
    default to fill in), or off SQLite's positional parameters."""
    if dialect.name != "sqlite" or not dialect.positional:
        return None
    given = set(columns)
    for column in table.columns:
        if column.name in given:
            if (column.type.dialect_impl(dialect).bind_processor(dialect) is not None
                    and not isinstance(column.type, Float)):
                return None
        elif column.default is not None and not column.primary_key:
            return None
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns),
                                     for_executemany=True)
    return str(compiled), tuple(compiled.positiontup)
