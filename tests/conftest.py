"""Shared fixtures: store URLs on both engines, and a small factory of records.

`db_url` runs a test once on SQLite (a file in tmp_path) and once on PostgreSQL
(127.0.0.1:5432, user postgres: one fresh database per test session, emptied before each
test, dropped at the end). PostgreSQL is skipped only when the server is unreachable and
the CI environment variable is unset; in CI an unreachable server fails the tests.
"""
from __future__ import annotations

import hashlib
import os
import uuid

import pytest

from ingest.record import Check, Meta, Record, Section, Source, Statement, Tables

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _pg_admin():
    import psycopg

    return psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres",
                           autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session (migrated), dropped afterwards."""
    import psycopg

    try:
        admin = _pg_admin()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL unreachable on 127.0.0.1:5432: {exc}".splitlines()[0])
    name = f"ingest_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER}/{name}"
    from ingest.store import open_store

    open_store(url).close()
    yield url
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _empty_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    from ingest.store.models import Base

    engine = create_engine(url)
    with engine.begin() as conn:  # DELETE: much faster than TRUNCATE on tiny tables
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM {table.name}"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A store URL with an empty store: SQLite in tmp_path, or the session's PG database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = request.getfixturevalue("pg_database")
    _empty_pg(url)
    return url


@pytest.fixture
def store(db_url):
    from ingest.store import open_store

    opened = open_store(db_url)
    yield opened
    opened.close()


def make_record(agency: str = "石龙区科学技术局", year: int = 2024, *,
                problems: tuple[tuple[str, tuple[str, ...]], ...] = (
                    ("政策解读形式单一，新媒体平台更新不及时", ("policy_interpretation",)),
                    ("工作人员业务培训不足", ("staff_capacity",)),
                ),
                improvements: tuple[str, ...] = ("加强业务培训，提升依申请公开办理水平",),
                overview: str = "本机关认真贯彻《条例》，做好政府信息公开工作。",
                new_received: float = 5, balance_ok: bool = True, salt: str = "") -> Record:
    """A small but complete record; `salt` makes otherwise equal records distinct bytes."""
    title = f"{agency}{year}年政府信息公开工作年度报告"
    sha = hashlib.sha256(f"{title}|{salt}|{problems}".encode()).hexdigest()
    statements = [Statement(section="problems", type="problem", text=t, themes=list(th))
                  for t, th in problems]
    statements += [Statement(section="problems", type="improvement", text=t,
                             themes=["staff_capacity"]) for t in improvements]
    carried_forward = 1 if balance_ok else 4
    return Record(
        source=Source(uri=f"https://gov.example.cn/{sha[:8]}.html", sha256=sha,
                      media_type="text/html"),
        meta=Meta(title=title, agency=agency, year=year, report_date=f"{year + 1}-01-20",
                  template="2021"),
        sections=[Section(id="preamble", heading=None, text=title),
                  Section(id="overview", heading="一、总体情况", text=overview),
                  Section(id="problems", heading="五、存在的主要问题及改进情况",
                          text="".join(s.text + "。" for s in statements))],
        tables=Tables(requests={"new_received": {"natural_person": new_received,
                                                 "total": new_received},
                                "carried_over": {"total": 0},
                                "results_total": {"total": new_received - 1},
                                "carried_forward": {"total": carried_forward}}),
        statements=statements,
        checks=[Check(rule="requests_balance", ok=balance_ok,
                      detail=None if balance_ok else "total: 5 + 0 ≠ 4 + 4 (差 3)")],
        cell_text={"requests": {"new_received": {"natural_person": f"{new_received:g}",
                                                 "total": f"{new_received:g}"}}},
    )


@pytest.fixture
def record_factory():
    return make_record


def save(store, record: Record, parser_version: str = "1", uri: str | None = None) -> int:
    """Save a parsed record the way the pipeline does."""
    return store.save_document(uri=uri or record.source.uri, sha256=record.source.sha256,
                               media_type=record.source.media_type, status="ok", reason=None,
                               record=record, parser_version=parser_version)


@pytest.fixture
def save_record():
    return save


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One Prefect test server for the whole session (its start-up is the slow part), with
    an isolated PREFECT_HOME and analytics off."""
    from prefect.settings import PREFECT_HOME, PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path_factory.mktemp("prefect-home")
    with temporary_settings({PREFECT_HOME: home, PREFECT_SERVER_ANALYTICS_ENABLED: False}):
        with prefect_test_harness(server_startup_timeout=120):
            yield
