"""`ingest serve` in a real browser: Debian's chromium driven by Playwright (no download).

Builds a store from records (a few hand-made ones and a generated series: agencies across
years under changing names), starts the real `ingest serve` on 127.0.0.1 and checks the
analyst's pages (the landing page's questions, a report page, an agency page, the theme × year
heatmap), the canned queries (ranked search with highlighted snippets, failed checks, an
agency's history) and the facets. With INGEST_SCREENSHOTS=DIR the pages are saved there
(docs/screenshots holds them).
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
        for record in series_records():
            save(store, record)
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


def series_records():
    """The gold records of a generated series (seed 0), with every check the pipeline runs."""
    from ingest import checks
    from ingest.corpus.build import gold_record
    from ingest.corpus.render_txt import render
    from ingest.corpus.series import series

    for doc in series(0):
        data = render(doc.spec)
        record = gold_record(doc.spec, data, doc.spec.name + ".txt", "text/plain")
        record.source.uri = f"https://gov.example.cn/{doc.spec.name}.html"
        record.checks = checks.run(record.tables, record.sections, record.meta.year)
        yield record


def shot(page, name: str) -> None:
    folder = os.environ.get("INGEST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


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
    page.goto(f"{base}/{db}/search?q={quote('新媒体')}&year=&agency={quote('石龙区')}&type=")
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
    rows = page.locator("table.rows-and-columns tbody tr", has_text="石龙区科学技术局")
    assert rows.count() == 2  # its own arithmetic, and 2022's 结转 1 against 2023's 上年结转 0
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(2)]
    assert sorted((c[3], c[4]) for c in cells) == [("2023", "carry_over"), ("2023", "requests_balance")]
    page.goto(f"{base}/{db}/agency_history?agency={quote('石龙区')}")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    page.goto(f"{base}/{db}/documents")
    assert page.locator(".facet-info[data-column=year]").count() == 1
    assert "乙县教育局" in page.locator(".facet-info[data-column=agency_key]").inner_text()
    page.goto(f"{base}/{db}/themes_by_year")
    assert "timeliness_update" in page.locator("table.rows-and-columns").inner_text()


@pytest.mark.browser
def test_landing_page_leads_with_the_questions(server, page):
    base, _ = server
    page.goto(base + "/")
    for section in ("q-search", "q-themes", "q-checks", "q-agencies"):
        assert page.locator(f"#{section} h2").count() == 1
    assert page.locator("#q-themes table.heatmap td.heat").count() >= 5
    assert "石龙区科学技术局" in page.locator("#q-agencies").inner_text()
    shot(page, "landing")
    page.fill("#q-search input[name=q]", "新媒体")
    page.click("#q-search input[type=submit]")
    assert page.locator("td.col-snippet mark").first.inner_text() == "新媒体"
    page.goto(base + "/")
    page.click("text=Theme trends chart")
    assert page.url.endswith("/-/themes")
    heat = page.locator("#theme-chart table.heatmap")
    years = heat.locator("thead th").count() - 1
    assert years == 6  # 2020-2025: every year with reports
    assert heat.locator("tbody tr").count() * years == heat.locator("td.heat").count()
    assert "信息发布与更新及时性" in heat.inner_text()
    shot(page, "themes")


@pytest.mark.browser
def test_report_page_shows_the_report(server, page):
    base, _ = server
    page.goto(base + "/-/checks")
    page.locator("tr", has_text="carry_over").first.locator("td.col-report_html a").click()
    assert "/-/report/" in page.url
    requests = page.locator("table.printed[data-table=requests]")
    assert requests.locator("td.num").count() == 25 * 7 or requests.locator("td.num").count() == 23 * 7
    assert "一、本年新收政府信息公开申请数量" in requests.inner_text()
    assert page.locator("table.printed[data-table=review_litigation] td.num").count() == 15
    assert page.locator("table.statements span.theme").count() >= 1
    checks = page.locator("table.checks").inner_text()
    assert "carry_over" in checks and "结转下年度" in checks and "requests_balance" in checks
    assert page.locator("a.source").first.get_attribute("href").startswith("https://gov.example.cn/")
    assert page.locator("table.meta a[href^='/-/agency/']").count() == 1
    shot(page, "report")
    failed_text = page.locator("tr", has_text="text_table")
    if failed_text.count():
        assert failed_text.first.locator("li").count() >= 1  # the sentence and the cell


@pytest.mark.browser
def test_agency_page_shows_the_series(server, page):
    base, _ = server
    page.goto(base + "/")
    page.locator("#q-agencies a", has_text="综合实验区").first.click()
    assert "/-/agency/" in page.url
    heading = page.locator("h1").inner_text()
    assert heading.endswith("综合实验区人民政府")
    assert page.locator("table.series tbody tr").count() == 4  # four years, three spellings
    names = page.locator("p.muted").first.inner_text()
    assert "管委会" in names or "管理委员会" in names
    assert page.locator("#volume-chart svg polyline").count() == 3
    assert page.locator("#agency-themes td.heat").count() >= 4
    shot(page, "agency")
    page.locator("table.series tbody tr").first.locator("a").click()
    assert "/-/report/" in page.url
    page.goto(base + "/")
    page.fill("#q-agencies input[name=q]", "石龙区")
    page.click("#q-agencies input[type=submit]")
    assert page.locator("table.agencies tbody tr").all_inner_texts()[0].startswith("石龙区科学技术局")


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
