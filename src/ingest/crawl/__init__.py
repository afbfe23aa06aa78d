"""Crawling government portals for annual reports, Scrapy-like in separate rooms:

    sources   config/sources.yaml -> Source models (scope, patterns, politeness, limits)
    safety    host/path scope and refused (private, loopback, link-local) addresses
    fetcher   polite httpx fetching: robots.txt, per-host gate, retries, redirects, limits
    links     HTML page -> links with anchor text (charset-aware)
    classify  link -> listing / article / attachment / not_report
    frontier  the run's queue, persisted in the store's `urls` table
    dedupe    the same bytes under two URLs -> one document
    crawler   one run over one source; reports are parsed and stored via ingest.Ingestor

Nothing here imports Prefect; flows/nightly.py wraps `crawl_source` in tasks.
"""
from .crawler import CrawlSummary, Crawler, crawl_source
from .sources import Source, load_sources, source_for

__all__ = ["CrawlSummary", "Crawler", "Source", "crawl_source", "load_sources", "source_for"]
