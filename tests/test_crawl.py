"""The crawler against a real, misbehaving HTTP portal on 127.0.0.1 (tests/portal_server.py).

One module-scoped crawl runs twice over the same store: the first run must land every good
report exactly once and list every bad link with its reason, never touching a disallowed
path or another host, never more than 2 requests in flight; the second run must only send
conditional requests for known files (304s) and parse nothing.
"""
from __future__ import annotations

import json

import pytest
from portal_server import GOOD, Portal, Route, start_portal
from typer.testing import CliRunner

from ingest.crawl import crawl_source
from ingest.crawl.sources import parse_sources, plan_sources, source_for
from ingest.errors import InvalidInput
from ingest.readers.office import soffice
from ingest.store import open_store

FAST = {"politeness": {"requests_per_second": 50, "timeout_seconds": 1.5, "retries": 1,
                       "backoff_seconds": 0.05}}


def fast_source(portal: Portal, path: str = "/ndbg/index.html", allow_private: bool = True,
                **overrides):
    defaults = parse_sources({"defaults": {**FAST, **overrides}}).defaults
    return source_for([portal.url(path)], defaults, allow_private=allow_private)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    portal = start_portal()
    db = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'store.db'}"
    source = fast_source(portal)
    runs = []
    with open_store(db) as store:
        for revalidate_all in (False, False, True):
            portal.clear_log()
            summary = crawl_source(source, store, jobs=2, revalidate_all=revalidate_all)
            runs.append({"summary": summary, "log": list(portal.log),
                         "max_in_flight": dict(portal.max_in_flight),
                         "busiest": dict(portal.busiest)})
        urls = {u["url"].replace(portal.url(""), ""): u for u in store.urls()}
        docs = store.documents()
    yield {"portal": portal, "db": db, "runs": runs, "urls": urls, "docs": docs}
    portal.stop()


def test_every_good_report_lands_exactly_once(crawled):
    urls, docs = crawled["urls"], crawled["docs"]
    ok_docs = [d for d in docs if d["status"] == "ok"]
    assert sorted(d["agency"] for d in ok_docs) == sorted(GOOD.values())
    assert len({d["sha256"] for d in ok_docs}) == len(ok_docs)
    for path in ("/ndbg/t1.html", "/files/b.docx", "/ndbg/flaky.html", "/ndbg/t3.html"):
        assert urls[path]["status"] == "ok" and urls[path]["document_id"], path
    assert urls["/r/1"]["status"] == "ok"  # the redirect chain ends at c.txt
    pdfs = sorted((urls["/files/a.pdf"]["status"], urls["/files/a-copy.pdf"]["status"]))
    assert pdfs == ["duplicate", "ok"]
    assert urls["/files/a.pdf"]["document_id"] == urls["/files/a-copy.pdf"]["document_id"]
    assert urls["/ndbg/t2.html"]["document_id"] is None  # the article only holds the PDF


# a broken .doc: LibreOffice fails to convert it, or (without LibreOffice) it is skipped
OLD_DOC = ("failed", "corrupt .doc file") if soffice() else ("skipped", "(.doc)")


@pytest.mark.parametrize("path, status, words", [
    ("/files/broken.pdf", "failed", "HTTP 500"),
    ("/loop/a", "failed", "redirect loop"),
    ("/files/slow.pdf", "failed", "timed out"),
    ("/files/truncated.pdf", "failed", "broken response"),
    ("/files/error.pdf", "not_report", "served as application/pdf, but the bytes are text/html"),
    ("/files/old.doc", *OLD_DOC),
    ("/private/secret.pdf", "skipped", "robots.txt"),
    ("/r/away", "skipped", "outside scope: host localhost"),
    ("/ndbg/jd.html", "not_report", "图文解读"),
])
def test_every_bad_link_is_listed_with_a_reason(crawled, path, status, words):
    row = crawled["urls"][path]
    assert row["status"] == status
    assert words in row["reason"]


def test_link_to_another_host_is_listed_not_followed(crawled):
    other = [u for u in crawled["urls"].values() if u["url"].startswith("http://localhost")]
    assert len(other) == 1 and other[0]["status"] == "skipped"
    assert "outside scope" in other[0]["reason"]


def test_no_request_to_disallowed_paths_or_other_hosts(crawled):
    port = crawled["portal"].port
    for run in crawled["runs"]:
        assert run["log"], "the portal saw no requests"
        assert not [e for e in run["log"] if e["path"].startswith("/private/")]
        assert {e["host"] for e in run["log"]} == {f"127.0.0.1:{port}"}
        assert all("nianbao-ingest" in (e["agent"] or "") for e in run["log"])


def test_never_more_than_two_requests_in_flight_per_host(crawled):
    for run in crawled["runs"]:
        assert 1 <= max(run["max_in_flight"].values()) <= 2, run["busiest"]


def test_503_is_retried_after_retry_after(crawled):
    flaky = [e["status"] for e in crawled["runs"][0]["log"] if e["path"] == "/ndbg/flaky.html"]
    assert flaky == [503, 200]


def test_second_run_asks_only_the_listings_and_parses_nothing(crawled):
    first, second, _ = crawled["runs"]
    asked = {e["path"] for e in second["log"]}
    assert asked == {"/robots.txt", "/ndbg/index.html", "/ndbg/index_1.html"}
    assert {e["status"] for e in second["log"] if e["path"] != "/robots.txt"} == {304}
    summary = second["summary"]
    assert summary.parsed == 0 and first["summary"].parsed >= len(GOOD)
    assert summary.due == 2 and summary.not_modified == 2 and summary.new == 0
    assert summary.skipped_fresh >= len(GOOD) and summary.changed == 0
    assert summary.statuses == first["summary"].statuses  # every URL still accounted for
    assert summary.alarm is None and summary.report_links >= len(GOOD)


def test_revalidate_all_sends_conditional_requests_for_known_files(crawled):
    first, _, third = crawled["runs"]
    failed = {path for path, row in crawled["urls"].items() if row["status"] == "failed"}
    fetched = {e["path"] for e in first["log"] if e["status"] == 200} - {"/robots.txt"} - failed
    assert "/files/c.txt" in fetched and "/files/truncated.pdf" in failed
    again = [e for e in third["log"] if e["path"] in fetched]
    assert {e["path"] for e in again} == fetched
    assert all(e["if_none_match"] for e in again)
    assert {e["status"] for e in again} == {304}
    assert third["summary"].parsed == 0
    assert third["summary"].not_modified >= len(GOOD) and third["summary"].skipped_fresh == 0


def test_documents_command_lists_every_url_with_status_and_reason(crawled):
    from ingest.cli.main import app

    result = CliRunner().invoke(app, ["documents", "--db", crawled["db"], "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # one JSON array, like every other --json
    assert len(rows) == len(crawled["urls"])
    lines = CliRunner().invoke(app, ["documents", "--db", crawled["db"], "--jsonl"])
    assert [json.loads(line) for line in lines.stdout.splitlines()] == rows
    assert all({"url", "status", "reason"} <= set(r) for r in rows)
    assert all(r["reason"] for r in rows if r["status"] in ("failed", "skipped", "not_report"))
    failed = CliRunner().invoke(app, ["documents", "--db", crawled["db"], "--status", "failed",
                                      "--jsonl"])
    assert {json.loads(x)["status"] for x in failed.stdout.splitlines()} == {"failed"}


@pytest.mark.parametrize("command", [["themes"], ["search", "公开"], ["agencies"]])
def test_every_listing_command_prints_json_lines_under_jsonl(crawled, command):
    from ingest.cli.main import app

    as_json = CliRunner().invoke(app, [*command, "--db", crawled["db"], "--json"])
    as_jsonl = CliRunner().invoke(app, [*command, "--db", crawled["db"], "--jsonl"])
    assert as_json.exit_code == 0 and as_jsonl.exit_code == 0, as_jsonl.output
    rows = json.loads(as_json.stdout)
    assert rows and [json.loads(line) for line in as_jsonl.stdout.splitlines()] == rows


def test_sources_status_lists_each_source_with_its_last_run(crawled):
    from ingest.cli.main import app

    result = CliRunner().invoke(app, ["sources", "status", "--db", crawled["db"], "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["source"] == crawled["runs"][0]["summary"].source
    assert row["report_links"] >= len(GOOD) and row["alarm"] is None
    assert row["urls"] == len(crawled["urls"]) and row["gone"] == 0 and row["failed"] >= 5


# ---- safety and limits on small portals of their own -------------------------------------
def test_loopback_refused_unless_allowed(tmp_path):
    portal = start_portal()
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            summary = crawl_source(fast_source(portal, allow_private=False), store, jobs=1)
            row = store.get_url(portal.url("/ndbg/index.html"))
        assert row["status"] == "skipped" and "loopback" in row["reason"]
        assert summary.requests == 0 and portal.log == []
    finally:
        portal.stop()


def test_size_limit_enforced_while_streaming(tmp_path):
    portal = Portal(routes={
        "/big.pdf": Route(b"%PDF-1.4\n" + b"x" * 50_000, "application/pdf"),
        "/stream.pdf": Route(b"%PDF-1.4\n" + b"y" * 50_000, "application/pdf", no_length=True),
    }).start()
    try:
        source = fast_source(portal, "/big.pdf", limits={"max_bytes": 10_000})
        source = source.model_copy(update={"start_urls": (portal.url("/big.pdf"),
                                                          portal.url("/stream.pdf"))})
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            crawl_source(source, store, jobs=1)
            rows = {u["url"].rsplit("/", 1)[1]: u for u in store.urls()}
            assert store.documents() == []
        assert "over the limit of 10000" in rows["big.pdf"]["reason"]
        assert "stopped reading" in rows["stream.pdf"]["reason"]
        assert {r["status"] for r in rows.values()} == {"skipped"}
    finally:
        portal.stop()


def test_sources_reject_unknown_keys_and_bad_urls(tmp_path):
    with pytest.raises(InvalidInput, match="politness"):
        parse_sources({"defaults": {"politness": {}}})
    with pytest.raises(InvalidInput):
        parse_sources({"sources": [{"name": "x", "start_urls": ["ftp://a.gov.cn/"]}]})
    with pytest.raises(InvalidInput):
        parse_sources({"defaults": {"politeness": {"per_host_concurrency": 5}}})
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - name: portal\n    start_urls: ['https://a.gov.cn/ndbg/']\n"
                      "    hosts: [a.gov.cn, files.a.gov.cn]\n", encoding="utf-8")
    [planned] = plan_sources(config, ["https://a.gov.cn/other/"], allow_private=True)
    assert planned.name == "portal" and planned.allow_private
    assert planned.scope_hosts == {"a.gov.cn", "files.a.gov.cn"}
    [adhoc] = plan_sources(config, ["https://b.gov.cn/x/"])
    assert adhoc.scope_hosts == {"b.gov.cn"} and not adhoc.allow_private


def test_small_crawl_and_rerun_on_both_engines(db_url):
    """The crawl state and documents round-trip on SQLite and PostgreSQL alike."""
    from portal_server import listing_html, report_text

    text = report_text("月湖区应急管理局").encode()
    portal = Portal(routes={
        "/robots.txt": Route(b"", "text/plain", status=404),
        "/list/": Route(listing_html("年报", [("/f/a.txt", "2023年政府信息公开工作年度报告"),
                                              ("/f/b.txt", "2023年政府信息公开工作年报"),
                                              ("/f/gone.txt", "2022年政府信息公开工作年度报告")])),
        "/f/a.txt": Route(text, "text/plain"), "/f/b.txt": Route(text, "text/plain"),
    }).start()
    try:
        with open_store(db_url) as store:
            first = crawl_source(fast_source(portal, "/list/"), store, jobs=2)
            portal.clear_log()
            second = crawl_source(fast_source(portal, "/list/"), store, jobs=2)
            rows = {u["url"].rsplit("/", 1)[1]: u for u in store.urls()}
            assert [d["agency"] for d in store.documents("ok")] == ["月湖区应急管理局"]
        assert first.parsed == 1 and second.parsed == 0
        assert sorted(r["status"] for r in (rows["a.txt"], rows["b.txt"])) == ["duplicate", "ok"]
        assert rows["gone.txt"]["status"] == "failed" and rows["gone.txt"]["http_status"] == 404
        assert {e["status"] for e in portal.log if e["path"] != "/f/gone.txt"} <= {304, 404}
    finally:
        portal.stop()
