"""Flow: local report files and folders -> parsed in parallel processes -> stored.

All logic is `ingest.ingest.ingest_paths`; this flow adds Prefect's retries, logging and a
summary table artifact.
"""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact

from ingest.ingest import ingest_paths
from ingest.store import open_store


@task(name="ingest-local-files", retries=1, retry_delay_seconds=5)
def ingest_local(paths: list[str], db: str | None, jobs: int) -> dict:
    """Parse (in `jobs` processes) and store every document under `paths`."""
    with open_store(db) as store:
        return ingest_paths(paths, store, jobs).as_dict()


@flow(name="ingest-paths", log_prints=False)
def ingest_paths_flow(paths: list[str], db: str | None = None, jobs: int = 2) -> dict:
    summary = ingest_local(paths, db, jobs)
    rows = [{"status": status, "documents": n} for status, n in sorted(summary["counts"].items())]
    rows += [{"status": f"{p['status']}: {p['uri']}", "documents": p["reason"]}
             for p in summary["problems"]]
    create_table_artifact(table=rows, key="ingest-paths-summary",
                          description=f"{summary['parsed']} parsed")
    get_run_logger().info("ingested %s", summary["counts"])
    return summary
