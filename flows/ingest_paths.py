"""Flow: local report files and folders -> one parse task per new document -> stored.

Parse tasks run through a Prefect task runner (`ingest.task_runners`): threads feeding this
machine's process pool, or prefect-dask's DaskTaskRunner when `dask_address` (or env
INGEST_DASK_ADDRESS) names a cluster. Hashing, skipping parsed bytes and saving stay in the
flow process (`ingest.ingest.ingest_paths`); this flow adds a summary table artifact.
"""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from ingest.ingest import ingest_paths
from ingest.store import open_store
from ingest.task_runners import dask_address as resolve_address
from ingest.task_runners import parse_here_or_in_pool, parse_task_runner, submitter


@task(name="parse-document", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def parse(uri: str, data: bytes | None, path: str | None, jobs: int):
    return parse_here_or_in_pool(uri, data, path, jobs)


@flow(name="ingest-paths", log_prints=False)
def ingest_paths_flow(paths: list[str], db: str | None = None, jobs: int = 2,
                      dask_address: str | None = None) -> dict:
    address = resolve_address(dask_address)
    with parse_task_runner(jobs, address) as runner, open_store(db) as store:
        summary = ingest_paths(paths, store, jobs, submit=submitter(runner, parse, jobs, address))
    summary = summary.as_dict()
    rows = [{"status": status, "documents": n} for status, n in sorted(summary["counts"].items())]
    rows += [{"status": f"{p['status']}: {p['uri']}", "documents": p["reason"]}
             for p in summary["problems"]]
    create_table_artifact(table=rows, key="ingest-paths-summary",
                          description=f"{summary['parsed']} parsed")
    get_run_logger().info("ingested %s on %s", summary["counts"], address or f"{jobs} processes")
    return summary
