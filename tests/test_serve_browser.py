"""`ingest serve` in a real browser: Debian's chromium driven by Playwright (no download).

Builds a small store from records, starts the real `ingest serve` on 127.0.0.1 and checks the
canned queries (ranked search with highlighted snippets, failed checks, an agency's history),
the facets and the theme-trend chart page.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from ingest.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from conftest import make_record, save

    db = tmp_path_factory.mktemp("serve") / "reports.db"
    with open_store(f"sqlite:///{db}") as store:
        save(store, make_record("甲市石龙区科学技术局", 2022,
                                problems=(("信息更新不及时", ("timeliness_update",)),)))
        save(store, make_record("甲市石龙区科学技术局", 2023, balance_ok=False,
                                problems=(("新媒体平台<互动>功能不强", ("platform_channels",)),
                                          ("信息更新不及时", ("timeliness_update",)))))
        save(store, make_record("乙县教育局", 2024))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ingest.cli.main", "serve", "--db",
                             f"sqlite:///{db}", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/-/versions.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail("ingest serve exited: " + proc.stdout.read().decode()[-2000:])
            time.sleep(0.2)
        else:
            pytest.fail("ingest serve did not start within 30 s")
        yield base, db.stem
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


@pytest.mark.browser
def test_search_query_ranks_and_highlights(server, page):
    base, db = server
    page.goto(f"{base}/{db}/search?q={quote('新媒体')}&year=&agency=&type=")
    marks = page.locator("td.col-snippet mark")
    assert marks.first.inner_text() == "新媒体"
    first = page.locator("td.col-snippet").first.inner_text()
    assert first.startswith("新媒体平台<互动>功能不强")  # original text, escaped, not segmented
    page.goto(f"{base}/{db}/search?q={quote('不及时')}&year=2023&agency=&type=problem")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1 and "2023" in rows.first.inner_text()


@pytest.mark.browser
def test_failed_checks_history_and_facets(server, page):
    base, db = server
    page.goto(f"{base}/{db}/failed_checks")
    body = page.locator("table.rows-and-columns tbody").inner_text()
    assert "甲市石龙区科学技术局" in body and "requests_balance" in body and "2022" not in body
    page.goto(f"{base}/{db}/agency_history?agency={quote('石龙区')}")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    page.goto(f"{base}/{db}/documents")
    assert page.locator(".facet-info[data-column=year]").count() == 1
    assert "乙县教育局" in page.locator(".facet-info[data-column=agency]").inner_text()
    page.goto(f"{base}/{db}/themes_by_year")
    assert "timeliness_update" in page.locator("table.rows-and-columns").inner_text()


@pytest.mark.browser
def test_theme_chart_page(server, page):
    base, _ = server
    page.goto(base + "/")
    page.click("text=Theme trends chart")
    assert page.url.endswith("/-/themes")
    chart = page.locator("#theme-chart svg")
    assert chart.count() == 1
    assert page.locator("#theme-chart svg polyline").count() == 4  # one line per theme
    assert "信息发布与更新及时性" in chart.inner_html()


def test_store_is_read_only(server):
    base, db = server
    sql = quote("insert into documents (uri) values ('x')")
    response = httpx.get(f"{base}/{db}.json?sql={sql}")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/{db}/documents.json?_shape=array&_col=agency&_col=status"])
def test_serve_reads_sqlite_and_snapshots_postgresql(store, db_url, record_factory, save_record,
                                                     capsys, path):
    """No browser needed: Datasette's --get on the served file (a PG store is copied first)."""
    import json

    from ingest.serve import serve

    save_record(store, record_factory("丙市统计局", 2024))
    store.save_document(uri="x.pdf", sha256="1" * 64, media_type=None, status="not_report",
                        reason="a 解读 page", record=None, parser_version="1")
    db = "store" if store.dialect == "sqlite" else "ingest"
    capsys.readouterr()
    with ThreadPoolExecutor(1) as pool:  # off the thread where Playwright runs its event loop
        pool.submit(serve, db_url, get=path.format(db=db)).result()
    rows = json.loads(capsys.readouterr().out)
    assert [(r["agency"], r["status"]) for r in rows] == [("丙市统计局", "ok"), (None, "not_report")]
