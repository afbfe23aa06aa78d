"""Crawling government portals for annual reports, Scrapy-like in separate rooms:

    sources   config/sources.yaml -> Source models (scope, patterns, politeness, limits)
    safety    host/path scope and refused (private, loopback, link-local) addresses
    fetcher   polite aiohttp fetching: robots.txt, per-host gate, retries, redirects, limits
    links     HTML page -> links with anchor text (charset-aware)
    classify  link -> listing / article / attachment / not_report
    frontier  the run's queue, persisted in the store's `urls` table
    dedupe    the same bytes under two URLs -> one document
    revisit   which known URLs a run asks again, and when each is due next
    state     seen / vanished / gone links, crawl_runs rows, layout alarms
    scripted  listings drawn by script; JSON list endpoints
    crawler   one run over one source (crawl_sources: many at once); reports are parsed
              and stored via ingest.Ingestor
    discover  home page -> the 政府信息公开年报 column -> a source entry

Nothing here imports Prefect; flows/nightly.py wraps `crawl_sources` in a task.
"""
from .crawler import CrawlSummary, Crawler, crawl_source, crawl_sources
from .sources import Source, load_sources, source_for

__all__ = ["CrawlSummary", "Crawler", "Source", "crawl_source", "crawl_sources", "load_sources",
           "source_for"]
