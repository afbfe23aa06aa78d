"""Flow: the nightly crawl.  crawl (per source, parsing in parallel) -> store -> index ->
themes -> a run summary (markdown and table artifacts).

Each source is one task tagged `host:<name>` for every host it visits, so a tag
concurrency limit (set by `ingest schedule`) keeps overlapping runs off the same host;
sources run side by side on the thread pool task runner, and each parses new reports in
its own pool of processes (`jobs`). Retries re-run a source cheaply: known files are asked
for conditionally and parsed bytes are never parsed again. All logic is in `ingest.crawl`.
"""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from ingest.crawl import crawl_source, load_sources
from ingest.crawl.sources import Source, plan_sources
from ingest.crawl.steps import ensure_indexed, summary_markdown, summary_rows, theme_rows
from ingest.store import open_store


def host_tags(source: Source) -> list[str]:
    return [f"host:{host}" for host in sorted(source.scope_hosts)]


@task(name="crawl-source", retries=2, retry_delay_seconds=300)
def crawl(source: dict, db: str | None, jobs: int) -> dict:
    with open_store(db) as store:
        return crawl_source(Source.model_validate(source), store, jobs).as_dict()


@task(name="index", retries=1)
def index(db: str | None) -> int:
    with open_store(db) as store:
        return ensure_indexed(store)


@task(name="themes")
def themes(db: str | None) -> list[dict]:
    with open_store(db) as store:
        return theme_rows(store)


@flow(name="nightly-crawl", task_runner=ThreadPoolTaskRunner(max_workers=4))
def nightly(config: str | None = None, db: str | None = None, jobs: int = 2,
            start_urls: list[str] | None = None, allow_private: bool = False) -> dict:
    """Crawl every source of `config` (or just `start_urls`), then index and summarise."""
    sources = plan_sources(config, start_urls or [], allow_private)
    futures = [crawl.with_options(tags=host_tags(s)).submit(s.model_dump(mode="json"), db, jobs)
               for s in sources]
    crawls = [f.result() for f in futures]
    indexed = index(db)
    theme_table = themes(db)
    create_table_artifact(table=summary_rows(crawls), key="nightly-crawl-summary",
                          description="Per source: requests, 304s, parses and URL statuses")
    create_markdown_artifact(markdown=summary_markdown(crawls, indexed, theme_table),
                             key="nightly-crawl-report", description="Nightly crawl report")
    get_run_logger().info("crawled %d sources, indexed %d documents", len(crawls), indexed)
    return {"crawls": crawls, "indexed": indexed}
