"""A crawl killed with SIGKILL part-way, then rerun, ends complete with no duplicates.

`ingest run --start-url` runs as a subprocess against the misbehaving portal (with extra
reports); it is killed -9 as soon as the first documents are stored, checked to be
incomplete, rerun to the end, and the store is checked: every good report exactly once,
nothing left queued.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest
from portal_server import GOOD, start_portal

from ingest.store import open_store

EXTRA = 12
CONFIG = """defaults:
  politeness: {requests_per_second: 50, timeout_seconds: 1.5, retries: 1, backoff_seconds: 0.05}
"""


def _documents(db_file) -> int:
    if not db_file.exists():
        return 0
    try:
        with sqlite3.connect(db_file, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


@pytest.mark.slow
def test_sigkill_then_rerun_ends_complete_without_duplicates(tmp_path):
    portal = start_portal(extra_reports=EXTRA, report_delay=0.3)
    config = tmp_path / "sources.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    db_file = tmp_path / "store.db"
    cmd = [sys.executable, "-m", "ingest.cli.main", "run", "--start-url",
           portal.url("/ndbg/index.html"), "--config", str(config), "--db", str(db_file),
           "--allow-private", "--jobs", "2"]
    expected = sorted([*GOOD.values(), *(f"第{i + 1}测试区统计局" for i in range(EXTRA))])
    try:
        first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 start_new_session=True)
        deadline = time.monotonic() + 300
        while _documents(db_file) < 2 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)  # the CLI and its parse workers
        first.wait(timeout=30)
        stored_at_kill = _documents(db_file)
        assert first.returncode == -signal.SIGKILL
        assert 2 <= stored_at_kill < len(expected), "the kill did not land part-way"

        rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
    finally:
        portal.stop()

    with open_store(f"sqlite:///{db_file}") as store:
        ok = [d for d in store.documents("ok")]
        urls = store.urls()
    assert sorted(d["agency"] for d in ok) == expected
    assert max(Counter(d["sha256"] for d in ok).values()) == 1
    assert not [u for u in urls if u["status"] in ("queued", "fetching")]
    by_path = {u["url"].replace(portal.url(""), ""): u for u in urls}
    for i in range(EXTRA):
        assert by_path[f"/files/extra-{i}.txt"]["status"] == "ok"
    assert Counter(u["document_id"] for u in urls if u["status"] == "ok" and u["document_id"]) \
        .most_common(1)[0][1] == 1
