"""The store on SQLite and PostgreSQL: documents, re-ingest, re-parse, atomicity, crawl state."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from ingest.store import open_store
from ingest.store.models import (CheckRow, Document, DocumentSource, SearchDoc, SectionRow,
                                 StatementRow, StatementTheme, TableCell)


def count(store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_save_writes_every_row_and_record_round_trips(store, record_factory, save_record):
    record = record_factory()
    doc_id = save_record(store, record)
    assert list(store.records()) == [record.to_json_dict()]
    [doc] = store.documents()
    assert (doc["id"], doc["status"], doc["agency"], doc["year"], doc["sha256"]) == (
        doc_id, "ok", "石龙区科学技术局", 2024, record.source.sha256)
    assert count(store, SectionRow) == 3
    assert count(store, StatementRow) == 3
    assert count(store, StatementTheme) == 3
    assert count(store, CheckRow) == 1
    assert count(store, SearchDoc) == 6  # 3 sections + 3 statements
    with store.session() as session:
        cell = session.execute(select(TableCell.value, TableCell.printed).where(
            TableCell.table_name == "requests", TableCell.row_key == "new_received",
            TableCell.col_key == "natural_person")).one()
    assert tuple(cell) == (5.0, "5")


def test_same_bytes_again_is_a_no_op(store, record_factory, save_record):
    record = record_factory()
    first = save_record(store, record)
    with store.session() as session:
        stamp = session.scalar(select(Document.updated_at))
    again = save_record(store, record, uri="https://mirror.example.cn/copy.html")
    assert again == first
    assert count(store, Document) == 1 and count(store, StatementRow) == 3
    with store.session() as session:
        assert session.scalar(select(Document.updated_at)) == stamp
    assert store.document_sources(first) == [record.source.uri,
                                             "https://mirror.example.cn/copy.html"]
    assert store.is_parsed(record.source.sha256, "1")
    assert not store.is_parsed(record.source.sha256, "2")


def test_new_parser_version_reparses(store, record_factory, save_record):
    old = record_factory()
    doc_id = save_record(store, old, parser_version="1")
    new = record_factory(problems=(("公开栏目更新不及时", ("timeliness_update",)),), salt="")
    new.source = old.source  # same bytes, better parser
    assert save_record(store, new, parser_version="2") == doc_id
    assert list(store.records()) == [new.to_json_dict()]
    assert store.documents()[0]["parser_version"] == "2"
    assert count(store, StatementRow) == 2  # the replaced rows are gone
    with store.session() as session:
        assert set(session.scalars(select(StatementTheme.theme))) == {"timeliness_update",
                                                                      "staff_capacity"}
        assert session.scalar(select(func.count()).select_from(SearchDoc)) == 5


def test_failed_document_is_kept_with_reason_and_retried(store):
    sha = "f" * 64
    doc_id = store.save_document(uri="broken.pdf", sha256=sha, media_type="application/pdf",
                                 status="failed", reason="truncated PDF", record=None,
                                 parser_version="1")
    assert not store.is_parsed(sha, "1")
    assert list(store.records()) == []
    assert store.documents(status="failed")[0]["reason"] == "truncated PDF"
    again = store.save_document(uri="broken.pdf", sha256=sha, media_type="application/pdf",
                                status="not_report", reason="a 解读 page", record=None,
                                parser_version="1")
    assert again == doc_id and store.is_parsed(sha, "1")
    assert store.documents(status="failed") == []


def test_unknown_status_is_rejected(store):
    with pytest.raises(ValueError):
        store.save_document(uri="x", sha256="0" * 64, media_type=None, status="weird",
                            reason=None, record=None, parser_version="1")


def test_a_failure_mid_write_leaves_nothing_of_that_document(store, record_factory,
                                                             save_record, monkeypatch):
    kept = record_factory(agency="甲市教育局")
    save_record(store, kept)
    reparsed = record_factory(agency="甲市教育局", problems=(("新的问题", ()),))
    reparsed.source = kept.source
    import ingest.store.children as children

    def fail_after_child_rows(session, units, _segments=None):
        document_id = units[0]["document_id"]
        assert session.scalar(select(func.count()).select_from(StatementRow).where(
            StatementRow.document_id == document_id)) > 0  # rows were written in the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(children, "write_units", fail_after_child_rows)
    with pytest.raises(RuntimeError):
        save_record(store, record_factory(agency="乙县人民政府"))
    with pytest.raises(RuntimeError):
        save_record(store, reparsed, parser_version="2")
    monkeypatch.undo()
    assert [d["agency"] for d in store.documents()] == ["甲市教育局"]
    assert list(store.records()) == [kept.to_json_dict()]
    assert store.documents()[0]["parser_version"] == "1"
    assert count(store, StatementRow) == 3 and count(store, SearchDoc) == 6
    assert count(store, DocumentSource) == 1


def test_duplicate_status_points_at_the_existing_document(store, record_factory, save_record):
    record = record_factory()
    doc_id = save_record(store, record)
    dup = store.save_document(uri="https://other.example.cn/r.pdf", sha256=record.source.sha256,
                              media_type=None, status="duplicate", reason="same bytes",
                              record=None, parser_version="1")
    assert dup == doc_id and store.documents()[0]["status"] == "ok"


def test_crawl_state(store):
    store.upsert_url("https://gov.example.cn/list", source="demo", kind="listing")
    store.upsert_url("https://gov.example.cn/a.html", source="demo", kind="article", depth=1,
                     parent_url="https://gov.example.cn/list")
    store.upsert_url("https://other.example.cn/", source="other")
    assert [u["url"] for u in store.queued_urls(source="demo")] == [
        "https://gov.example.cn/list", "https://gov.example.cn/a.html"]
    store.upsert_url("https://gov.example.cn/list", status="ok", http_status=200, etag='"x"',
                     attempts=1)
    got = store.get_url("https://gov.example.cn/list")
    assert (got["status"], got["http_status"], got["etag"], got["kind"]) == (
        "ok", 200, '"x"', "listing")
    assert store.get_url("https://nowhere.example.cn/") is None
    assert [u["url"] for u in store.queued_urls(limit=1)] == ["https://other.example.cn/"]  # depth 0
    assert len(store.urls()) == 3 and len(store.urls(status="ok")) == 1
    with pytest.raises(ValueError):
        store.upsert_url("https://gov.example.cn/list", colour="red")


def test_reopening_keeps_data_and_schema_is_at_head(db_url, record_factory, save_record):
    with open_store(db_url) as store:
        save_record(store, record_factory())
    with open_store(db_url) as store:
        assert len(list(store.records())) == 1
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
                == "0006"


def test_the_stored_copies_of_a_batch_are_found_through_the_agency_year_index(store):
    """same_report.Copies reads the stored reports of a batch's (agency, year) pairs in one
    query: SQLite must answer it from the (agency, year) index, not by scanning."""
    from sqlalchemy import event

    from ingest.store.same_report import Copies

    if store.dialect != "sqlite":
        pytest.skip("reads SQLite's query plan")
    record = type("R", (), {})()
    record.meta = type("M", (), {"agency": "x镇人民政府", "year": 2024})()
    record.source = type("S", (), {"uri": "http://a.example/r.pdf"})()
    asked = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM documents" in statement:
            asked.append((statement, parameters))

    with store.session() as session:
        event.listen(store.engine, "before_cursor_execute", keep)
        try:
            Copies(session, [record])
        finally:
            event.remove(store.engine, "before_cursor_execute", keep)
    with store.engine.connect() as conn:
        plans = [conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
                 for sql, params in asked]
    assert plans and all("ix_documents_agency_year" in " ".join(map(str, p)) for p in plans)


def test_sqlite_defaults_wal_and_foreign_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("INGEST_DB", f"sqlite:///{tmp_path / 'deep' / 'dir' / 'ingest.db'}")
    with open_store() as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    path = tmp_path / "deep" / "dir" / "ingest.db"
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_writers(store, record_factory, save_record):
    """Eight threads store their own reports and the same shared report at once."""
    from concurrent.futures import ThreadPoolExecutor

    shared = record_factory("共享市财政局", 2024)

    def work(worker: int) -> list[int]:
        ids = [save_record(store, shared, uri=f"https://mirror{worker}.example.cn/r.html")]
        for i in range(3):
            ids.append(save_record(store, record_factory(f"第{worker}区统计局", 2020 + i)))
            store.upsert_url(f"https://gov.example.cn/{i}", source="demo", attempts=worker)
        return ids

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    assert len({ids[0] for ids in results}) == 1  # one document for the shared bytes
    assert len(store.documents()) == 1 + 8 * 3
    assert len(store.document_sources(results[0][0])) == 8
    assert len(store.urls()) == 3
    assert count(store, StatementRow) == 25 * 3


def test_the_head_the_store_checks_is_alembics_newest_migration(db_url):
    """open_store skips loading Alembic when the database is at db.HEAD: that constant must
    name the newest migration, and a store at it must really be migrated."""
    from alembic.script import ScriptDirectory

    from ingest.store.db import HEAD, alembic_config, at_head, make_engine, normalise_url

    engine = make_engine(normalise_url(db_url))
    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD
    with open_store(db_url):
        pass
    assert at_head(engine)
    engine.dispose()


def test_migrations_downgrade_and_upgrade(db_url):
    from alembic import command

    from ingest.store.db import alembic_config, make_engine, normalise_url, upgrade

    engine = make_engine(normalise_url(db_url))
    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 0
    upgrade(engine)
    engine.dispose()
    with open_store(db_url) as store:
        assert store.documents() == [] and store.urls() == []


def at(record, uri: str):
    """The record as parsed from `uri`."""
    record.source.uri = uri
    return record


def test_one_report_published_twice_on_a_portal_counts_once(store, record_factory, save_record):
    article = at(record_factory(salt="article page"), "https://gov.example.cn/ndbg/t1.html")
    attachment = at(record_factory(salt="pdf attachment"), "https://gov.example.cn/files/t1.pdf")
    kept = save_record(store, article)
    copy = save_record(store, attachment)
    docs = {d["id"]: d for d in store.documents()}
    assert docs[kept]["status"] == "ok"
    assert docs[copy]["status"] == "duplicate"
    assert docs[copy]["reason"] == "same report as https://gov.example.cn/ndbg/t1.html (石龙区科学技术局 2024)"
    assert store.document_status(copy) == ("duplicate", docs[copy]["reason"])
    assert len(list(store.records())) == 1 and count(store, StatementRow) == 3
    assert store.is_parsed(attachment.source.sha256, "1")  # not parsed again next run
    other_portal = at(record_factory(salt="another portal"), "https://other.example.cn/a.pdf")
    assert store.document_status(save_record(store, other_portal))[0] == "ok"
    local = at(record_factory(salt="a local file"), "/data/reports/a.pdf")
    assert store.document_status(save_record(store, local))[0] == "ok"


def test_the_copy_with_more_of_the_report_is_the_one_kept(store, record_factory, save_record):
    thin = at(record_factory(salt="article quoting the report", problems=()), "https://gov.example.cn/ndbg/t1.html")
    full = at(record_factory(salt="the pdf with every statement"), "https://gov.example.cn/files/t1.pdf")
    first = save_record(store, thin)
    second = save_record(store, full)
    assert store.document_status(second) == ("ok", None)
    assert store.document_status(first) == (
        "duplicate", "same report as https://gov.example.cn/files/t1.pdf (石龙区科学技术局 2024)")
    assert list(store.records()) == [full.to_json_dict()]
    with store.session() as session:  # the copy left nothing in the tables or the index
        assert session.scalar(select(func.count()).select_from(SearchDoc)
                              .where(SearchDoc.document_id == first)) == 0
        assert session.scalar(select(func.count()).select_from(StatementRow)
                              .where(StatementRow.document_id == first)) == 0


def test_migration_0005_keys_existing_documents_and_allows_uncertain_checks(db_url):
    from sqlalchemy import text

    from alembic import command

    from ingest.store.db import alembic_config, make_engine, normalise_url, upgrade

    engine = make_engine(normalise_url(db_url))
    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:  # a store as it was before 0005 (PG: the session's)
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (uri, sha256, status, parser_version, agency, year, created_at,"
            " updated_at) VALUES ('a.html', :sha, 'ok', '1', '淮安市洪泽区人民政府', 2023,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"sha": "a" * 64})
    upgrade(engine)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT agency_key, level FROM documents")).one() == (
            "洪泽区人民政府", "county")
        doc_id = conn.execute(text("SELECT id FROM documents")).scalar()
        conn.execute(text("INSERT INTO checks (document_id, rule, ok, scope) "
                          "VALUES (:d, 'text_table', NULL, 'report')"), {"d": doc_id})
        assert conn.execute(text("SELECT ok FROM checks")).scalar() is None
        conn.execute(text("DELETE FROM checks"))
        conn.execute(text("DELETE FROM documents"))
    engine.dispose()


def _item(record, parser_version: str = "1") -> dict:
    return dict(uri=record.source.uri, sha256=record.source.sha256,
                media_type=record.source.media_type, status="ok", reason=None, record=record,
                parser_version=parser_version)


def test_a_batch_stores_what_saving_one_by_one_stores(store, record_factory, save_record):
    """save_many (the crawl's batches): the thinner copy of a report saved earlier in the same
    batch becomes the duplicate and leaves no rows; series checks see the whole batch."""
    thin = at(record_factory(salt="article", problems=()), "https://gov.example.cn/ndbg/t1.html")
    full = at(record_factory(salt="pdf"), "https://gov.example.cn/files/t1.pdf")
    before = at(record_factory(year=2023, salt="last year", balance_ok=True),
                "https://gov.example.cn/ndbg/t0.html")
    other = at(record_factory(agency="乙县人民政府", salt="x"), "https://gov.example.cn/y.html")
    saved = store.save_many([_item(before), _item(thin), _item(full), _item(other)])
    assert [s.status for s in saved] == ["ok"] * 4  # each as it went in, as one by one
    assert store.document_status(saved[1].id)[0] == "duplicate"  # then the fuller copy came
    records = list(store.records())
    assert full.to_json_dict() in records and thin.to_json_dict() not in records
    with store.session() as session:
        for model in (SearchDoc, StatementRow, SectionRow):
            assert session.scalar(select(func.count()).select_from(model)
                                  .where(model.document_id == saved[1].id)) == 0
        per_doc = dict(session.execute(select(StatementRow.document_id, func.count())
                                       .group_by(StatementRow.document_id)).all())
        series_rules = set(session.scalars(select(CheckRow.rule).where(
            CheckRow.document_id == saved[2].id, CheckRow.scope == "series")))
    assert per_doc == {saved[0].id: 3, saved[2].id: 3, saved[3].id: 3}
    assert series_rules  # the 2024 report is checked against 2023 from the same batch
    # the same bytes again in a later batch: nothing new
    again = store.save_many([_item(full)])
    assert again[0].id == saved[2].id and count(store, StatementRow) == 9


def test_a_batchs_rows_point_at_their_own_statements_after_rows_above_were_deleted(
        store, record_factory, save_record):
    """The ids a batch reserves for its statements and search units (store/ids.py) are fresh
    and in the rows' order: each theme and each statement's search unit belongs to the
    statement it was made for, also after the newest rows were deleted (a re-parse)."""
    first = record_factory("甲县统计局", salt="a")
    save_record(store, first)
    save_record(store, first, parser_version="2")  # re-parsed: its rows deleted and written again
    records = [record_factory(f"第{i}区水利局", problems=(
        (f"第{i}区政策解读不足", ("policy_interpretation",)),
        (f"第{i}区培训不足", ("staff_capacity",)))) for i in range(3)]
    store.save_many([_item(r) for r in records])
    with store.session() as session:
        themes = set(session.execute(select(StatementRow.text, StatementTheme.theme).join(
            StatementTheme, StatementTheme.statement_id == StatementRow.id)).all())
        units = session.execute(select(SearchDoc.text, StatementRow.text).join(
            StatementRow, SearchDoc.statement_id == StatementRow.id)).all()
        ids = session.scalars(select(StatementRow.id)).all()
    expected = {(st.text, theme) for r in [first, *records] for st in r.statements
                for theme in st.themes}
    assert themes == expected
    assert len(units) == 4 * 3 and all(unit == statement for unit, statement in units)
    assert len(ids) == len(set(ids)) == 12


def test_rows_written_in_bulk_read_back_as_they_were_given(store, record_factory):
    """Table cells go to SQLite's driver as they are (store/bulk.py), checks through
    SQLAlchemy's conversions (booleans, JSON): both read back as given, on either engine."""
    from ingest.record import Check

    record = record_factory("红岩县交通运输局")
    record.checks = [Check(rule="requests_balance", ok=None, detail="undecided"),
                     Check(rule="text_table", ok=False, detail="差 2", evidence={"text": 7})]
    store.save_many([_item(record)])
    with store.session() as session:
        cells = dict(session.execute(select(TableCell.row_key, TableCell.value)
                                     .where(TableCell.col_key == "total")).all())
        checks = session.execute(select(CheckRow.rule, CheckRow.ok, CheckRow.evidence)
                                 .where(CheckRow.scope == "report").order_by(CheckRow.rule)).all()
    assert cells == {"new_received": 5.0, "carried_over": 0.0, "results_total": 4.0,
                     "carried_forward": 1.0}
    assert all(isinstance(v, float) for v in cells.values())
    assert [tuple(c) for c in checks] == [("requests_balance", None, None),
                                          ("text_table", False, {"text": 7})]
