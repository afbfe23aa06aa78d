"""Engines and schema: given a database URL, return an engine on an up-to-date schema.

SQLite files get their directory created, WAL journalling, foreign keys and a busy timeout;
`postgresql://` URLs use psycopg 3. The schema is always brought to the newest Alembic
revision (migrations live inside this package, so an installed wheel can migrate too).
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from ..errors import InvalidInput
from ..settings import default_database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL for `url`: None -> the default store; a bare path -> SQLite there."""
    url = url or default_database_url()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """BEGIN IMMEDIATE for writing transactions (the write lock is taken up front, so two
    writers wait for each other instead of failing on a stale snapshot); BEGIN otherwise."""
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITE_OPTION = "ingest_write"


def make_engine(url: str) -> Engine:
    """An engine for a normalised URL; SQLite files are created with WAL journalling."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - SQLAlchemy raises several types for a bad URL
        raise InvalidInput(f"not a database URL: {url}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


HEAD = "0006"  # the newest migration's revision (a test holds it to Alembic's scripts)


def alembic_config(engine: Engine):
    """Alembic's configuration, built in code (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url",
                           engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def at_head(engine: Engine) -> bool:
    """True when the database is migrated to HEAD (asked with one query: loading Alembic
    and its scripts costs a crawl's or a command's start-up a fifth of a second)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")
                                      ).scalar() == HEAD
    except Exception:  # noqa: BLE001 - no such table (a new store) or no such database yet
        return False


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` on the engine's database."""
    if revision == "head" and at_head(engine):
        return
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def readonly_engine(path: str | Path, immutable: bool = False) -> Engine:
    """A read-only engine on an SQLite file (immutable: no locking, the file must not change)."""
    uri = f"file:{Path(path).resolve()}?mode=ro" + ("&immutable=1" if immutable else "")
    return create_engine("sqlite://", creator=lambda: _connect_uri(uri))


def _connect_uri(uri: str):
    import sqlite3

    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def checkpoint(engine: Engine) -> None:
    """Fold an SQLite WAL into the main file (so an immutable reader sees everything)."""
    if engine.dialect.name == "sqlite":
        connection = engine.raw_connection()  # outside any transaction
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
