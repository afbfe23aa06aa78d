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


def _pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page content stream is `content`, Flate-compressed."""
    import zlib

    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
               + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_whose_content_stream_inflates_past_the_limit_is_refused(tmp_path):
    """A decompression bomb is refused with exit 2 and a reason, not called 'not a report'."""
    import shutil
    import subprocess
    import sys

    from ingest.settings import config_dir

    config = tmp_path / "config"
    shutil.copytree(config_dir(), config)
    settings = config / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "max_unpacked_bytes: 209715200", "max_unpacked_bytes: 1000000"), encoding="utf-8")
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_pdf_with_content(b"0 0 m " * 400_000))  # 2.4 MB of drawing, ~3 KB packed
    small = tmp_path / "small.pdf"
    small.write_bytes(_pdf_with_content(b"0 0 m " * 1000))
    env = {**__import__("os").environ, "INGEST_CONFIG_DIR": str(config)}
    run = [sys.executable, "-m", "ingest.cli.main", "parse"]
    refused = subprocess.run([*run, str(bomb), "--json"], capture_output=True, text=True, env=env)
    assert refused.returncode == 2, refused.stderr
    assert "decompression bomb" in refused.stderr and "Traceback" not in refused.stderr
    other = subprocess.run([*run, str(small), "--json"], capture_output=True, text=True, env=env)
    assert other.returncode == 3 and "decompression" not in other.stderr  # empty page: no report


def test_built_in_patterns_are_the_shipped_config_defaults():
    """A sources file without `defaults` classifies links as config/sources.yaml does."""
    import yaml

    from ingest.crawl.sources import Patterns, default_sources_path

    shipped = yaml.safe_load(default_sources_path().read_text(encoding="utf-8"))
    assert Patterns().model_dump() == Patterns(**shipped["defaults"]["patterns"]).model_dump()
