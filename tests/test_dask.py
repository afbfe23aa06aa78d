"""The ingest-paths flow's parse stage on a Dask cluster (prefect-dask's DaskTaskRunner at a
configured address; a LocalCluster of 2 workers) and on the default thread runner."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from portal_server import report_html, report_text

from ingest.settings import PROJECT_ROOT
from ingest.store import open_store
from ingest.task_runners import DASK_ENV, dask_address

sys.path.insert(0, str(PROJECT_ROOT))  # the flows/ package

AGENCIES = ["柳营县林业局", "丹霞区文化和旅游局", "青石镇人民政府"]




def reports(root: Path) -> Path:
    folder = root / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(report_text(AGENCIES[0]), encoding="utf-8")
    (folder / "b.html").write_bytes(report_html(AGENCIES[1], charset="gb18030"))
    (folder / "c.txt").write_text(report_text(AGENCIES[2]), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def stored_agencies(db: str) -> list[str]:
    with open_store(db) as store:
        return sorted(d["agency"] for d in store.documents("ok"))


def run_flow(folder: Path, db: str, **options) -> dict:
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from flows.ingest_paths import ingest_paths_flow

    return ingest_paths_flow(paths=[str(folder)], db=db, **options)


def test_dask_address_comes_from_the_argument_or_the_environment(monkeypatch):
    monkeypatch.delenv(DASK_ENV, raising=False)
    assert dask_address(None) is None
    monkeypatch.setenv(DASK_ENV, "tcp://10.0.0.5:8786")
    assert dask_address(None) == "tcp://10.0.0.5:8786"
    assert dask_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"


def test_flow_parses_on_a_two_worker_dask_cluster(prefect_harness, tmp_path, monkeypatch):
    from distributed import LocalCluster

    folder = reports(tmp_path)
    db = f"sqlite:///{tmp_path / 'dask.db'}"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        monkeypatch.setenv(DASK_ENV, cluster.scheduler_address)
        summary = run_flow(folder, db, jobs=2)
        workers = len(cluster.scheduler_info["workers"])
        transitions = cluster.scheduler.transition_counter  # tasks the scheduler moved
    assert workers == 2 and transitions >= 4 * 3  # each parse task: released->waiting->...
    assert summary["counts"] == {"ok": 3, "failed": 1} and summary["parsed"] == 4
    assert [p["reason"] for p in summary["problems"]] == ["empty file"]
    assert stored_agencies(db) == sorted(AGENCIES)


def test_flow_parses_through_the_thread_runner_and_process_pool(prefect_harness, tmp_path, monkeypatch):
    monkeypatch.delenv(DASK_ENV, raising=False)
    folder = reports(tmp_path)
    db = f"sqlite:///{tmp_path / 'pool.db'}"
    first = run_flow(folder, db, jobs=2)
    second = run_flow(folder, db, jobs=2)
    assert first["counts"] == {"ok": 3, "failed": 1}
    assert second["counts"] == {"unchanged": 4} and second["parsed"] == 0
    assert stored_agencies(db) == sorted(AGENCIES)
