"""Local ingestion without Prefect, and the two Prefect flows under prefect_test_harness
(isolated PREFECT_HOME, analytics off, generous start-up timeout; one harness per module)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from portal_server import GOOD, report_html, report_text, start_portal
from typer.testing import CliRunner

from ingest.ingest import ingest_paths
from ingest.settings import PROJECT_ROOT
from ingest.store import open_store

FAST = """defaults:
  politeness: {requests_per_second: 50, timeout_seconds: 1.5, retries: 1, backoff_seconds: 0.05}
"""


def make_folder(root: Path) -> Path:
    """Two reports, the same report again under another name, and a broken 'PDF'."""
    folder = root / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(report_text("柳营县林业局"), encoding="utf-8")
    (folder / "sub" / "b.html").write_bytes(report_html("丹霞区文化和旅游局", charset="gb18030"))
    (folder / "sub" / "a-copy.txt").write_text(report_text("柳营县林业局"), encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    return folder


def test_ingest_paths_stores_each_report_once_and_survives_bad_files(tmp_path):
    folder = make_folder(tmp_path)
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        first = ingest_paths([folder], store, jobs=2)
        second = ingest_paths([folder], store, jobs=2)
        docs = store.documents()
        copy_sources = store.document_sources(next(d["id"] for d in docs
                                                   if d["agency"] == "柳营县林业局"))
    assert first.counts == {"ok": 2, "failed": 1, "duplicate": 1}
    assert first.parsed == 3
    assert [p[0] for p in first.problems] == [str((folder / "broken.pdf").resolve())]
    assert second.parsed == 0 and second.counts == {"unchanged": 4}
    assert sorted(d["agency"] for d in docs if d["status"] == "ok") == ["丹霞区文化和旅游局",
                                                                         "柳营县林业局"]
    assert len(copy_sources) == 2


@pytest.mark.slow
def test_ingest_run_path_goes_through_the_flow(prefect_harness, tmp_path):
    from ingest.cli.main import app

    folder = make_folder(tmp_path)
    db = f"sqlite:///{tmp_path / 's.db'}"
    result = CliRunner().invoke(app, ["run", "--path", str(folder), "--db", db, "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "Ingested" in result.stdout and "broken.pdf" in result.stdout
    with open_store(db) as store:
        assert len(store.documents("ok")) == 2
        assert store.documents("failed")[0]["reason"]


@pytest.mark.slow
def test_nightly_flow_crawls_indexes_and_publishes_a_summary(prefect_harness, tmp_path):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    sys.path.insert(0, str(PROJECT_ROOT))
    from flows.nightly import nightly

    portal = start_portal()
    config = tmp_path / "sources.yaml"
    config.write_text(FAST, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 's.db'}"
    try:
        result = nightly(config=str(config), db=db, jobs=2, allow_private=True,
                         start_urls=[portal.url("/ndbg/index.html")])
    finally:
        portal.stop()
    [crawl] = result["crawls"]
    assert crawl["statuses"]["ok"] >= len(GOOD) and crawl["parsed"] >= len(GOOD)
    assert result["indexed"] == 0  # save_document indexes as it stores
    with open_store(db) as store:
        assert sorted(d["agency"] for d in store.documents("ok")) == sorted(GOOD.values())
    with get_client(sync_client=True) as client:
        keys = {a.key: a for a in client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["nightly-crawl-summary", "nightly-crawl-report"])))}
    assert set(keys) == {"nightly-crawl-summary", "nightly-crawl-report"}
    assert "redirect loop" in keys["nightly-crawl-report"].data
    assert keys["nightly-crawl-summary"].type == "table"


def test_deployment_runs_nightly_at_two_in_shanghai():
    from ingest.cli.crawl import schedule_spec

    spec = schedule_spec(PROJECT_ROOT)
    assert spec["schedules"] == [{"cron": "0 2 * * *", "timezone": "Asia/Shanghai",
                                  "active": True}]
    path, _, name = spec["entrypoint"].partition(":")
    assert f"def {name}(" in (PROJECT_ROOT / path).read_text(encoding="utf-8")
