"""`ingest serve`: Datasette on the store, read-only, with the metadata, canned queries,
plugin and chart page of config/datasette/.

An SQLite store is checkpointed and served immutable. Datasette only reads SQLite, so a
PostgreSQL store is first copied (records and document statuses) into an SQLite snapshot.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

from .settings import config_dir
from .store import Store, open_store
from .store.db import checkpoint, normalise_url


def datasette_dir() -> Path:
    return config_dir() / "datasette"


def metadata_for(db_name: str) -> dict:
    """config/datasette/metadata.yaml with its `ingest` database renamed to `db_name`."""
    data = yaml.safe_load((datasette_dir() / "metadata.yaml").read_text(encoding="utf-8"))
    databases = data.get("databases") or {}
    if "ingest" in databases:
        databases[db_name] = databases.pop("ingest")
    return data


def snapshot(source: Store, path: Path) -> Path:
    """Copy every document of `source`, and the reviewers' verdicts, into a new SQLite store
    at `path` (its cross-year checks and agency keys are computed again as it is filled)."""
    by_sha = {r["source"]["sha256"]: r for r in source.records()}
    from .record import Record

    with open_store(f"sqlite:///{path}") as target:
        for doc in source.documents():
            record = by_sha.get(doc["sha256"])
            target.save_document(uri=doc["uri"], sha256=doc["sha256"],
                                 media_type=doc["media_type"], status=doc["status"],
                                 reason=doc["reason"], parser_version=doc["parser_version"],
                                 record=Record.model_validate(record) if record else None)
        _copy_verdicts(source, target)
        checkpoint(target.engine)
    return path


def _copy_verdicts(source: Store, target: Store) -> None:
    from sqlalchemy import insert, select

    from .store.models import Verdict

    columns = [c for c in Verdict.__table__.columns if c.name != "id"]
    with source.session() as session:
        rows = [dict(r._mapping) for r in session.execute(select(*columns))]
    if rows:
        with target.writer.begin() as session:
            session.execute(insert(Verdict), rows)


def sqlite_file(url: str | None, workdir: Path) -> Path:
    """The SQLite file to serve for the store at `url` (migrated and checkpointed)."""
    url = normalise_url(url)
    with open_store(url) as store:
        if store.dialect != "sqlite":
            return snapshot(store, workdir / "ingest.db")
        checkpoint(store.engine)
    return Path(make_url(url).database)


def datasette_args(db_file: Path, metadata_file: Path, host: str, port: int) -> list[str]:
    folder = datasette_dir()
    return ["serve", "--immutable", str(db_file), "--metadata", str(metadata_file),
            "--plugins-dir", str(folder / "plugins"), "--template-dir", str(folder / "templates"),
            "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]


def serve(url: str | None, host: str = "127.0.0.1", port: int = 8001,
          get: str | None = None) -> None:
    """Run Datasette on the store until interrupted (`get`: fetch one path and exit)."""
    from datasette.cli import cli

    with tempfile.TemporaryDirectory(prefix="ingest-serve-") as tmp:
        workdir = Path(tmp)
        db_file = sqlite_file(url, workdir)
        metadata_file = workdir / "metadata.json"
        metadata_file.write_text(json.dumps(metadata_for(db_file.stem), ensure_ascii=False),
                                 encoding="utf-8")
        args = datasette_args(db_file, metadata_file, host, port)
        if get:
            args += ["--get", get]
        try:
            cli.main(args, prog_name="ingest serve", standalone_mode=False)
        except SystemExit as exc:  # datasette --get exits; only a failure is worth raising
            if exc.code:
                raise
