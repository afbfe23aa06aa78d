"""`ingest documents` (every known URL and local document with status and reason),
`ingest schedule` (serve the nightly deployment of prefect.yaml locally) and, from
cli/sources.py, `ingest sources status|discover`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
import yaml

from . import LazyConsole

out = LazyConsole()
err = LazyConsole(stderr=True)
URL_FIELDS = ("url", "status", "reason", "kind", "http_status", "document_id", "sha256",
              "parent_url", "last_fetched", "last_changed", "next_due", "gone_since")


def document_rows(store, status: str | None = None) -> list[dict]:
    """Every crawled URL, then every stored document no URL row points at (local files)."""
    rows = [{k: u.get(k) for k in URL_FIELDS} for u in store.urls(status)]
    seen = {r["url"] for r in rows}
    for doc in store.documents(status):
        if doc["uri"] not in seen:
            rows.append({"url": doc["uri"], "status": doc["status"], "reason": doc["reason"],
                         "kind": "file", "document_id": doc["id"], "sha256": doc["sha256"]})
    return rows


def print_rows(rows: list[dict], as_json: bool, as_jsonl: bool) -> bool:
    """Rows as one JSON array (--json) or JSON Lines (--jsonl); False when neither."""
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
    elif as_jsonl:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, default=str))
    return as_json or as_jsonl


def schedule_spec(project_root: Path) -> dict:
    """The first deployment of prefect.yaml (name, entrypoint, schedules, parameters)."""
    spec = yaml.safe_load((project_root / "prefect.yaml").read_text(encoding="utf-8"))
    return spec["deployments"][0]


def register(app: typer.Typer) -> None:
    from .sources import register as register_sources

    register_sources(app)

    @app.command()
    def documents(
        db: Optional[str] = typer.Option(None, "--db", help="Store URL (default output/ingest.db)."),
        status: Optional[str] = typer.Option(None, "--status", help="Only this status "
                                             "(ok, failed, skipped, not_report, duplicate, queued)."),
        as_json: bool = typer.Option(False, "--json", help="One JSON array on stdout."),
        as_jsonl: bool = typer.Option(False, "--jsonl", help="JSON Lines: one row a line."),
    ) -> None:
        """List every known URL and document with its status and reason."""
        from ..errors import IngestError
        from ..store import open_store

        try:
            with open_store(db) as store:
                rows = document_rows(store, status)
        except IngestError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        if print_rows(rows, as_json, as_jsonl):
            return
        from rich.table import Table

        table = Table(title=f"{len(rows)} documents and URLs")
        for column in ("url", "status", "reason"):
            table.add_column(column, overflow="fold")
        for row in rows:
            reason = row["reason"] or ""
            if row.get("gone_since"):
                reason = f"gone since {row['gone_since']:%Y-%m-%d}" + (f"; {reason}" if reason else "")
            table.add_row(row["url"], row["status"], reason)
        out.print(table)

    @app.command()
    def schedule(
        config: Optional[str] = typer.Option(None, "--config", help="Sources file."),
        db: Optional[str] = typer.Option(None, "--db", help="Store URL."),
        jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Parse in N processes."),
        port: int = typer.Option(4200, "--port", help="Port of the local Prefect server "
                                 "started when PREFECT_API_URL is not set."),
    ) -> None:
        """Serve the nightly crawl deployment (prefect.yaml: 02:00 Asia/Shanghai) locally.

        Uses the Prefect server at $PREFECT_API_URL, or starts one on 127.0.0.1:PORT (an
        ephemeral server cannot run schedules)."""
        from ..settings import PROJECT_ROOT
        from .run import load_flow

        spec = schedule_spec(PROJECT_ROOT)
        server = local_server(port)
        try:
            _serve(spec, load_flow("nightly", "nightly", temporary_server=False), config, db, jobs)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)


def local_server(port: int, timeout: float = 240.0):
    """Start `prefect server start` on 127.0.0.1:port unless $PREFECT_API_URL is set; point
    this process at it; return the child process (None when a server was configured)."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    if os.environ.get("PREFECT_API_URL"):
        return None
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    prefect = Path(sys.executable).with_name("prefect")
    child = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1",
                              "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    err.print(f"starting a Prefect server on {api} …")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                os.environ["PREFECT_API_URL"] = api
                return child
        except httpx.HTTPError:
            pass
        time.sleep(1)
    child.terminate()
    err.print(f"the Prefect server on port {port} did not start")
    raise typer.Exit(2)


def _serve(spec: dict, nightly, config: str | None, db: str | None, jobs: int) -> None:
    """Check the sources file, then serve the deployment (blocks until stopped); per-host
    limits are kept inside the crawl task (one gate per host for every source)."""
    from prefect.schedules import Schedule

    from ..crawl.sources import plan_sources

    params = {**(spec.get("parameters") or {}),
              **{k: v for k, v in {"config": config, "db": db, "jobs": jobs}.items() if v}}
    plan_sources(params.get("config"), [])  # a bad sources file fails here, not at 02:00
    schedules = [Schedule(cron=s["cron"], timezone=s.get("timezone")) for s in spec["schedules"]]
    when = ", ".join(f"{s['cron']} {s.get('timezone', 'UTC')}" for s in spec["schedules"])
    err.print(f"serving {spec['name']}: {when}")
    nightly.serve(name=spec["name"], schedules=schedules, parameters=params,
                  tags=spec.get("tags") or [])
