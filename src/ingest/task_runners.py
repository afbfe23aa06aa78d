"""Where the flows' parse stage runs: this machine's process pool, or a Dask cluster.

    dask_address(explicit)            the address to use: the argument, else env INGEST_DASK_ADDRESS
    parse_task_runner(jobs, address)  a Prefect task runner for per-document parse tasks
    parse_here_or_in_pool(uri, data, path, jobs)   what one parse task does

Without an address each parse task runs on a thread that hands its document to this
process's warm pool of `jobs` processes (`ingest.ingest.parse_pool`). With an address
("tcp://scheduler:8786") the tasks go to that cluster's workers through prefect-dask's
DaskTaskRunner and parse inside the worker (each worker process loads models once);
"local" starts a LocalCluster of `jobs` single-threaded worker processes for this run.
Prefect and Dask are imported only when a runner is built, never by `ingest parse`.
"""
from __future__ import annotations

import os

from .ingest import Parsed, parse_document, parse_pool

DASK_ENV = "INGEST_DASK_ADDRESS"


def dask_address(explicit: str | None = None) -> str | None:
    """Given the flow's dask_address parameter, return the cluster address to use, or None."""
    address = (explicit or os.environ.get(DASK_ENV) or "").strip()
    return address or None


def parse_task_runner(jobs: int, address: str | None):
    """Given the parallelism and a Dask address (or None), return an unstarted task runner."""
    if address is None:
        from prefect.task_runners import ThreadPoolTaskRunner

        # two threads per pool process keep the pool busy while Prefect records task states
        return ThreadPoolTaskRunner(max_workers=2 * max(1, jobs))
    from prefect_dask import DaskTaskRunner

    if address == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, jobs), "threads_per_worker": 1,
                                              "processes": True})
    return DaskTaskRunner(address=address)


def parse_here_or_in_pool(uri: str, data: bytes | None, path: str | None, jobs: int) -> Parsed:
    """Parse one document: in this process when jobs is 0 (a Dask worker), else in the pool."""
    if jobs <= 0:
        return parse_document(uri, data, path)
    return parse_pool(jobs).submit(parse_document, uri, data, path).result()


def submitter(runner, parse_task, jobs: int, address: str | None):
    """Given a started task runner and the parse task, return `submit(uri, data, path)` for
    `ingest.ingest.ingest_paths`: each call submits one parse task and returns its future."""
    pool_jobs = 0 if address else jobs

    def submit(uri: str, data: bytes | None, path: str | None):
        return runner.submit(parse_task, {"uri": uri, "data": data, "path": path, "jobs": pool_jobs})

    return submit
