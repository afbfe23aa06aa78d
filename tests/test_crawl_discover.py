"""`ingest sources discover`: from a home page to the 政府信息公开年报 column, on generated portals
of several CMS styles (src/ingest/corpus/portal_styles.py) served on 127.0.0.1; the entry it
writes must crawl the portal completely.
"""
from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from ingest.corpus.portal import build_portal
from ingest.corpus.serve import base_url, start
from ingest.crawl.crawler import crawl_sources
from ingest.crawl.discover import discover_all, endpoint_template, siblings, url_regex
from ingest.crawl.sources import default_sources_path, load_sources, parse_sources
from ingest.store import open_store

STYLES = ("trs", "hanweb", "php", "phplist", "script")
FAST = {"requests_per_second": 50, "timeout_seconds": 5, "retries": 1, "backoff_seconds": 0.05}


def config_defaults() -> dict:
    """config/sources.yaml's defaults (its patterns), with a fast pace for local portals."""
    base = yaml.safe_load(default_sources_path().read_text(encoding="utf-8"))["defaults"]
    return {**base, "politeness": {**base["politeness"], **FAST}}


@pytest.fixture(scope="module")
def portals(tmp_path_factory):
    root = tmp_path_factory.mktemp("styles")
    served = {}
    for seed, style in enumerate((*STYLES, "none")):  # other reports on each portal
        manifest = build_portal(root / style, n=4, seed=seed, scans=0, style=style, per_page=4)
        server = start(root / style)
        served[style] = (base_url(server), manifest, server)
    yield served
    for _url, _manifest, server in served.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def discovered(portals):
    loaded = parse_sources({"defaults": config_defaults()})
    urls = [portals[s][0] for s in (*STYLES, "none")]
    results = discover_all(urls, loaded.defaults, loaded.discover, allow_private=True)
    return dict(zip((*STYLES, "none"), results))


@pytest.mark.parametrize("style", STYLES)
def test_discover_finds_the_column_on_every_cms_style(portals, discovered, style):
    base, manifest, _ = portals[style]
    found = discovered[style]
    assert found.column == base + manifest["start"], found.message
    assert found.entry["start_urls"] == [found.column]
    assert "found the annual-report column" in found.message
    assert 1 <= found.clicks <= 3


def test_hanweb_column_sits_three_clicks_deep_and_trs_two(discovered):
    assert discovered["trs"].clicks == 2
    assert discovered["hanweb"].clicks >= 2


def test_script_drawn_list_gets_its_json_endpoint(discovered):
    entry = discovered["script"].entry
    assert entry["script_drawn"] is True
    api = entry["list_api"]
    assert api["url"].endswith("/xxgk/nb/data/list_{page}.json")
    assert (api["items"], api["title"], api["link"], api["date"]) == (
        "data.list", "title", "url", "publishDate")


def test_portal_without_a_column_is_said_clearly(discovered):
    none = discovered["none"]
    assert none.entry is None and none.column is None
    assert "no 政府信息公开年报 column found within 3 clicks" in none.message


def test_entries_crawl_every_portal_completely(portals, discovered, tmp_path):
    entries = [discovered[s].entry for s in STYLES]
    sources = parse_sources({"defaults": config_defaults(), "sources": entries}).sources
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        summaries = crawl_sources(list(sources), store, jobs=2)
        urls = {u["url"]: u for u in store.urls()}
    for style, summary in zip(STYLES, summaries):
        base, manifest, _ = portals[style]
        for doc in manifest["documents"]:
            row = urls.get(base + doc["url"])
            assert row is not None, (style, doc["url"])
            expected = ("ok", "duplicate") if doc["kind"] == "report" else ("not_report",)
            assert row["status"] in expected, (style, doc, row)
        assert summary.alarm is None
        assert not [u for u in urls.values() if u["status"] in ("queued", "fetching")]


def test_cli_writes_a_reviewed_ready_entry(portals, tmp_path):
    from ingest.cli.main import app

    config = tmp_path / "sources.yaml"
    config.write_text("defaults:\n  politeness: {requests_per_second: 50}\nsources: []\n",
                      encoding="utf-8")
    base = portals["phplist"][0]
    result = CliRunner().invoke(app, ["sources", "discover", base, "--allow-private",
                                      "--config", str(config), "--write", str(config)])
    assert result.exit_code == 0, result.output
    [source] = load_sources(config).sources
    assert source.start_urls == (base + portals["phplist"][1]["start"],)
    assert source.patterns.pagination_url == (r"/html/ndbg/list\-\d+\.html$",)
    again = CliRunner().invoke(app, ["sources", "discover", base, "--allow-private",
                                     "--config", str(config), "--write", str(config)])
    assert again.exit_code == 2 and "already has a source named" in again.output
    printed = CliRunner().invoke(app, ["sources", "discover", portals["none"][0],
                                       "--allow-private", "--config", str(config)])
    assert printed.exit_code == 1 and "no 政府信息公开年报 column" in printed.output
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["sources"][0]["name"] == source.name


def test_helpers():
    assert siblings("www.x.gov.cn", "xxgk.x.gov.cn")
    assert not siblings("www.x.gov.cn", "www.y.gov.cn")
    assert not siblings("a.gov.cn", "b.gov.cn")
    assert url_regex("http://h/a/202401/t20240115_123.htm", set()) == r"/a/\d+/t\d+_\d+\.htm$"
    assert url_regex("http://h/col/col44/index.html?uid=44&pageNum=2", {"44"}) == \
        r"/col/col44/index\.html\?uid=44\&pageNum=\d+$"
    script = "$.getJSON('/api/nb/list_' + page + '.json', function (res) {})"
    assert endpoint_template(script, "http://h/x/") == "http://h/api/nb/list_{page}.json"
    assert endpoint_template("fetch('/data/list_1.json')", "http://h/") == \
        "http://h/data/list_{page}.json"
