"""Flow: the nightly crawl.  crawl (every source at once, parsing in parallel) -> store ->
index -> themes -> a run summary (markdown and table artifacts, layout alarms first).

One task crawls every source in one event loop (ingest.crawl.crawl_sources): a gate per
host shared by all sources (at most 2 in flight, the per-host pace), a global cap on
requests in flight (settings.yaml crawl.max_in_flight) and one pool of `jobs` parse
processes, so wall time follows the slowest host, not the sum of hosts. A retry re-runs
cheaply: listings are asked conditionally, stored files only when due, and parsed bytes
are never parsed again. All logic is in `ingest.crawl`.
"""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from ingest.crawl.crawler import crawl_sources
from ingest.crawl.sources import Source, plan_sources
from ingest.crawl.steps import ensure_indexed, summary_markdown, summary_rows, theme_rows
from ingest.store import open_store


@task(name="crawl-sources", retries=2, retry_delay_seconds=300)
def crawl(sources: list[dict], db: str | None, jobs: int, revalidate_all: bool = False) -> list[dict]:
    with open_store(db) as store:
        summaries = crawl_sources([Source.model_validate(s) for s in sources], store, jobs,
                                  revalidate_all=revalidate_all)
    return [s.as_dict() for s in summaries]


@task(name="index", retries=1)
def index(db: str | None) -> int:
    with open_store(db) as store:
        return ensure_indexed(store)


@task(name="themes")
def themes(db: str | None) -> list[dict]:
    with open_store(db) as store:
        return theme_rows(store)


@flow(name="nightly-crawl")
def nightly(config: str | None = None, db: str | None = None, jobs: int = 2,
            start_urls: list[str] | None = None, allow_private: bool = False,
            revalidate_all: bool = False) -> dict:
    """Crawl every source of `config` (or just `start_urls`), then index and summarise."""
    sources = plan_sources(config, start_urls or [], allow_private)
    crawls = crawl([s.model_dump(mode="json") for s in sources], db, jobs, revalidate_all)
    indexed = index(db)
    theme_table = themes(db)
    create_table_artifact(table=summary_rows(crawls), key="nightly-crawl-summary",
                          description="Per source: requests, due / fresh / 304 / changed / new, "
                                      "parses, URL statuses and layout alarms")
    create_markdown_artifact(markdown=summary_markdown(crawls, indexed, theme_table),
                             key="nightly-crawl-report", description="Nightly crawl report")
    alarms = [c["source"] for c in crawls if c.get("alarm")]
    logger = get_run_logger()
    logger.info("crawled %d sources, indexed %d documents", len(crawls), indexed)
    if alarms:
        logger.warning("layout alarms on %d sources: %s", len(alarms), ", ".join(alarms[:20]))
    return {"crawls": crawls, "indexed": indexed}
