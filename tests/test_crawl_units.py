"""Small pure parts of the crawler: link classification, scope and address rules,
Retry-After and backoff, link extraction from a GBK page."""
from __future__ import annotations

import pytest

from ingest.crawl.classify import classify
from ingest.crawl.fetcher import backoff_delay, retry_after_seconds
from ingest.crawl.links import Link, canonical_url, extract_links
from ingest.crawl.safety import out_of_scope, refused_address
from ingest.crawl.sources import load_sources, source_for


@pytest.fixture(scope="module")
def source():
    defaults = load_sources().defaults  # the shipped config/sources.yaml patterns
    return source_for(["https://www.a.gov.cn/zwgk/ndbg/"], defaults)


@pytest.mark.parametrize("url, text, kind", [
    ("https://www.a.gov.cn/zwgk/ndbg/t2024_1.html", "某局2023年政府信息公开工作年度报告", "article"),
    ("https://www.a.gov.cn/zwgk/ndbg/P0202401.pdf", "附件1", "attachment"),
    ("https://www.a.gov.cn/zwgk/ndbg/t2024_2.html", "某局2023年度报告解读", "not_report"),
    ("https://www.a.gov.cn/zwgk/ndbg/t2024_3.html", "图文解读：年度报告", "not_report"),
    ("https://www.a.gov.cn/zwgk/ndbg/t2024_4.html", "巡察整改报告", "not_report"),
    ("https://www.a.gov.cn/zwgk/ndbg/t2024_5.html", "2023年工作总结", "not_report"),
    ("https://www.a.gov.cn/zwgk/ndbg/index_1.html", "2", "listing"),
    ("https://www.a.gov.cn/zwgk/ndbg/list2.html", "下一页", "listing"),
    ("https://www.a.gov.cn/zwgk/ndbg/", "政府信息公开年报", "listing"),
    ("https://www.a.gov.cn/jgsz/", "机构设置", None),
])
def test_classify(source, url, text, kind):
    assert classify(Link(url, text), source.patterns) == kind


def test_scope(source):
    assert out_of_scope("https://www.a.gov.cn/zwgk/x.pdf", source) is None
    assert "host" in out_of_scope("https://evil.example.com/zwgk/x.pdf", source)
    assert "not an http" in out_of_scope("ftp://www.a.gov.cn/x.pdf", source)
    scoped = source.model_copy(update={"path_prefixes": ("/zwgk/",)})
    assert "path /other/x.pdf" in out_of_scope("https://www.a.gov.cn/other/x.pdf", scoped)


@pytest.mark.parametrize("host, kind", [("127.0.0.1", "loopback"), ("10.1.2.3", "private"),
                                        ("169.254.169.254", "link-local"), ("::1", "loopback"),
                                        ("192.168.0.1", "private")])
def test_private_addresses_refused_unless_allowed(host, kind):
    assert kind in refused_address(host, False)
    assert refused_address(host, True) is None


def test_retry_after_and_backoff():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None
    delays = [backoff_delay(a, 1.0, 60.0, None) for a in range(4)]
    for attempt, delay in enumerate(delays):
        assert 2 ** attempt <= delay <= 2 ** attempt + 1.0  # exponential plus jitter
    assert backoff_delay(0, 1.0, 60.0, 30.0) == 30.0       # Retry-After is a floor
    assert backoff_delay(10, 1.0, 5.0, None) <= 6.0        # capped


def test_links_from_a_gbk_page_with_meta_charset_only():
    page = ('<html><head><meta charset="gbk"></head><body><base href="/zwgk/">'
            '<a href="ndbg/t1.html#top">某局2023年政府信息公开工作年度报告</a>'
            '<a href="javascript:void(0)">打印</a><a href="ndbg/t1.html">重复</a></body></html>')
    links = extract_links(page.encode("gbk"), "https://www.a.gov.cn/index.html", "text/html")
    assert links == [Link("https://www.a.gov.cn/zwgk/ndbg/t1.html", "某局2023年政府信息公开工作年度报告")]


def test_one_resource_spelt_several_ways_is_one_link():
    page = ('<a href="HTTP://WWW.A.gov.cn:80//zwgk/./ndbg/../ndbg/t1.pdf#p2">甲</a>'
            '<a href="/zwgk//ndbg/t1.pdf">乙</a><a href="t1.pdf?id=2&amp;x=//y">丙</a>')
    links = extract_links(page.encode(), "https://www.a.gov.cn/zwgk/ndbg/list.html")
    assert [ln.url for ln in links] == ["http://www.a.gov.cn/zwgk/ndbg/t1.pdf",
                                        "https://www.a.gov.cn/zwgk/ndbg/t1.pdf",
                                        "https://www.a.gov.cn/zwgk/ndbg/t1.pdf?id=2&x=//y"]
    assert canonical_url("https://a.gov.cn:8443/x") == "https://a.gov.cn:8443/x"
    assert canonical_url("https://a.gov.cn") == "https://a.gov.cn/"
    assert canonical_url("http://a.gov.cn:99999/x") == "http://a.gov.cn:99999/x"  # left for the fetcher


def test_host_gate_caps_concurrency_and_spaces_starts():
    import asyncio
    import time

    from ingest.crawl.fetcher import HostGate

    async def main():
        gate, inside, peak, starts = HostGate(2, 0.05), 0, 0, []

        async def request():
            nonlocal inside, peak
            async with gate:
                starts.append(time.monotonic())
                inside += 1
                peak = max(peak, inside)
                await asyncio.sleep(0.02)
                inside -= 1

        await asyncio.gather(*(request() for _ in range(6)))
        return peak, sorted(starts)

    peak, starts = asyncio.run(main())
    assert peak <= 2
    assert all(b - a >= 0.045 for a, b in zip(starts, starts[1:]))  # sleep never wakes early
