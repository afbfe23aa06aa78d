"""Nightly re-crawls: the revisit policy, vanished links, layout alarms, script-drawn lists.

Real HTTP portals on 127.0.0.1 (tests/portal_server.py) whose routes change between runs.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from portal_server import Portal, Route, listing_html, report_text

from ingest.crawl import crawl_source
from ingest.crawl.crawler import crawl_sources
from ingest.crawl.revisit import next_due
from ingest.crawl.sources import Revisit, Source, parse_sources, source_for
from ingest.crawl.state import last_runs
from ingest.store import open_store

FAST = {"politeness": {"requests_per_second": 50, "timeout_seconds": 1.5, "retries": 1,
                       "backoff_seconds": 0.05}}
TITLE = "{}2023年政府信息公开工作年度报告"


def _source(portal: Portal, path: str = "/list/", **overrides):
    defaults = parse_sources({"defaults": {**FAST, **overrides}}).defaults
    return source_for([portal.url(path)], defaults, allow_private=True)


def _txt(agency: str) -> Route:
    return Route(report_text(agency).encode(), "text/plain")


def _portal(agencies: dict[str, str]) -> Portal:
    """/list/ linking each /f/<name>.txt under its agency's report title."""
    portal = Portal(routes={"/robots.txt": Route(b"", "text/plain", status=404)})
    _relist(portal, agencies)
    for name, agency in agencies.items():
        portal.routes[f"/f/{name}.txt"] = _txt(agency)
    return portal.start()


def _relist(portal: Portal, agencies: dict[str, str], suffix: dict | None = None) -> None:
    links = [(f"/f/{n}.txt", TITLE.format(a) + (suffix or {}).get(n, ""))
             for n, a in agencies.items()]
    portal.routes["/list/"] = Route(listing_html("政府信息公开年报", links))


def _paths(log: list[dict]) -> set[str]:
    return {e["path"] for e in log} - {"/robots.txt"}


def test_policy_interval_grows_with_age_and_is_capped():
    policy = Revisit(min_interval_hours=20, max_interval_days=30, age_factor=0.5)
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    assert next_due(policy, now, "ok", now) == now + timedelta(hours=20)
    assert next_due(policy, now, "ok", now - timedelta(days=10)) == now + timedelta(days=5)
    assert next_due(policy, now, "ok", now - timedelta(days=400)) == now + timedelta(days=30)
    assert next_due(policy, now, "failed", now - timedelta(days=400)) == now + timedelta(hours=20)
    naive = datetime(2026, 5, 22)  # SQLite hands back naive UTC datetimes
    assert next_due(policy, now, "ok", naive) == now + timedelta(days=5)


def test_second_run_fetches_new_and_retitled_reports_only(tmp_path):
    agencies = {"a": "月湖区应急管理局", "b": "星沙镇人民政府", "c": "清溪县财政局"}
    portal = _portal(agencies)
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            first = crawl_source(_source(portal), store, jobs=1)
            assert first.parsed == 3 and first.new == 4
            # the portal publishes a new report and replaces one (its title says so)
            portal.routes["/f/d.txt"] = _txt("白杨区统计局")
            portal.routes["/f/b.txt"] = Route((report_text("星沙镇人民政府") + "\n（修订）").encode(),
                                              "text/plain")
            _relist(portal, {**agencies, "d": "白杨区统计局"}, suffix={"b": "（修订版）"})
            portal.clear_log()
            second = crawl_source(_source(portal), store, jobs=1)
            agencies_stored = sorted(d["agency"] for d in store.documents("ok"))
        assert _paths(portal.log) == {"/list/", "/f/b.txt", "/f/d.txt"}
        assert (second.new, second.due, second.changed, second.skipped_fresh) == (1, 2, 1, 2)
        assert second.parsed == 2
        assert agencies_stored == sorted([*agencies.values(), "白杨区统计局"])
    finally:
        portal.stop()


def test_vanished_link_is_marked_gone_and_its_document_kept(tmp_path):
    agencies = {"a": "月湖区应急管理局", "b": "星沙镇人民政府"}
    portal = _portal(agencies)
    source = _source(portal, revisit={"gone_after_runs": 2})
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            crawl_source(source, store, jobs=1)
            _relist(portal, {"a": agencies["a"]})
            runs = [crawl_source(source, store, jobs=1) for _ in range(2)]
            row = store.get_url(portal.url("/f/b.txt"))
            docs = store.documents("ok")
            kept = store.get_url(portal.url("/f/a.txt"))
        assert [r.gone for r in runs] == [0, 1]
        assert row["gone_since"] is not None and row["missed_runs"] == 2
        assert row["status"] == "ok" and row["document_id"] in {d["id"] for d in docs}
        assert kept["gone_since"] is None and kept["missed_runs"] == 0
    finally:
        portal.stop()


def test_listing_that_stops_showing_reports_raises_an_alarm(tmp_path):
    agencies = {"a": "月湖区应急管理局"}
    portal = _portal(agencies)
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            assert crawl_source(_source(portal), store, jobs=1).alarm is None
            # a redesign: the list is now drawn by script, the HTML has no links
            portal.routes["/list/"] = Route(
                b'<html><body><ul id="list"><li v-for="item in items">'
                b'<a :href="item.url">{{item.title}}</a></li></ul></body></html>')
            second = crawl_source(_source(portal), store, jobs=1)
            status = {r["source"]: r for r in last_runs(store)}
        assert "no report or page links any more" in second.alarm
        assert "Vue v-for" in second.alarm and second.script_drawn == "Vue v-for"
        assert status[second.source]["alarm"] == second.alarm
        from ingest.cli.sources import status_rows

        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            [row] = status_rows(store)
        assert row["script_drawn"] == "Vue v-for" and row["alarm"] == second.alarm
        assert row["complete"] is False
    finally:
        portal.stop()


def test_failed_listing_raises_an_alarm_and_marks_nothing_gone(tmp_path):
    agencies = {"a": "月湖区应急管理局"}
    portal = _portal(agencies)
    source = _source(portal, revisit={"gone_after_runs": 1})
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            crawl_source(source, store, jobs=1)
            portal.routes["/list/"] = Route(status=404)
            second = crawl_source(source, store, jobs=1)
            row = store.get_url(portal.url("/f/a.txt"))
        assert "failed (HTTP 404)" in second.alarm and second.gone == 0
        assert row["gone_since"] is None
    finally:
        portal.stop()


def test_json_list_endpoint_is_paged_through(tmp_path):
    names = [f"第{i}街道办事处" for i in range(5)]
    pages = {1: names[:3], 2: names[3:], 3: []}
    portal = Portal(routes={"/robots.txt": Route(b"", "text/plain", status=404),
                            "/list/": Route(b'<html><body><div id="app" ms-controller="list">'
                                            b'<li ms-repeat="el in list"></li></div></body></html>')})
    for page, chunk in pages.items():
        items = [{"t": TITLE.format(n), "link": f"/f/{names.index(n)}.txt", "d": "2024-01-15"}
                 for n in chunk]
        portal.routes[f"/api/list-{page}.json"] = Route(
            json.dumps({"data": {"rows": items}}, ensure_ascii=False).encode(), "application/json")
    for i, n in enumerate(names):
        portal.routes[f"/f/{i}.txt"] = _txt(n)
    portal.start()
    source = Source.model_validate({**_source(portal).model_dump(), "list_api": {
        "url": portal.url("/api/list-{page}.json"), "items": "data.rows", "title": "t",
        "link": "link", "date": "d"}})
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            [summary] = crawl_sources([source], store, jobs=1)
            stored = sorted(d["agency"] for d in store.documents("ok"))
        assert stored == sorted(names)
        assert summary.script_drawn == "avalon ms-repeat" and summary.alarm is None
        assert {"/api/list-1.json", "/api/list-2.json", "/api/list-3.json"} <= _paths(portal.log)
        assert "/api/list-4.json" not in _paths(portal.log)
    finally:
        portal.stop()


def test_many_sources_at_once_keep_two_in_flight_per_host(tmp_path):
    portals = [_portal({f"r{i}": f"第{k}{i}测试县统计局" for i in range(4)}) for k in range(3)]
    for portal in portals:
        portal.base_delay = 0.1
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            sources = [_source(p).model_copy(update={"name": f"p{k}"})
                       for k, p in enumerate(portals)]
            summaries = crawl_sources(sources, store, jobs=2)
            assert len(store.documents("ok")) == 12
        assert [s.parsed for s in summaries] == [4, 4, 4]
        for portal in portals:
            assert 1 <= max(portal.max_in_flight.values()) <= 2
    finally:
        for portal in portals:
            portal.stop()


def test_run_summary_puts_alarms_in_the_artifacts():
    from ingest.crawl.steps import summary_markdown, summary_rows

    quiet = {"source": "a", "statuses": {"ok": 3}, "problems": [], "alarm": None,
             "requests": 3, "due": 1, "skipped_fresh": 2}
    broken = {**quiet, "source": "b", "alarm": "listing stopped parsing: http://b/ (Vue v-for)"}
    markdown = summary_markdown([quiet, broken], 0, [])
    assert "## Layout alarms (1)" in markdown and "**b**: listing stopped parsing" in markdown
    rows = summary_rows([quiet, broken])
    assert [r["alarm"] for r in rows] == ["", broken["alarm"]]
    assert rows[0]["skipped_fresh"] == 2 and rows[0]["new"] == 0


def test_cli_run_revalidate_all_asks_every_known_url_again(tmp_path):
    from typer.testing import CliRunner

    from ingest.cli.main import app

    portal = _portal({"a": "月湖区应急管理局", "b": "星沙镇人民政府"})
    config = tmp_path / "sources.yaml"
    config.write_text("defaults:\n  politeness: {requests_per_second: 50}\n", encoding="utf-8")
    run = ["run", "--start-url", portal.url("/list/"), "--config", str(config),
           "--db", str(tmp_path / "s.db"), "--allow-private", "--jobs", "1", "--json"]
    try:
        runs = [json.loads(CliRunner().invoke(app, run + extra).stdout)[0]
                for extra in ([], [], ["--revalidate", "all"])]
        bad = CliRunner().invoke(app, run + ["--revalidate", "some"])
    finally:
        portal.stop()
    assert [r["parsed"] for r in runs] == [2, 0, 0]
    assert (runs[1]["skipped_fresh"], runs[1]["due"]) == (2, 1)
    assert (runs[2]["skipped_fresh"], runs[2]["due"], runs[2]["not_modified"]) == (0, 3, 3)
    assert bad.exit_code == 2 and "--revalidate must be due or all" in bad.output


def test_a_link_two_sources_share_is_one_url_row_of_the_first_source(tmp_path):
    """Two sources of one run list the same report (a province page and a county page): one
    `urls` row, one document. A later run of a third source that lists it too (the store
    then holds other sources' URLs) leaves that row to its source and adds its own link."""
    portal = _portal({"a": "龙泉县统计局", "b": "青山镇人民政府", "c": "白沙区审计局"})
    for name, listed in (("/one/", "ab"), ("/two/", "a"), ("/three/", "ac")):
        portal.routes[name] = Route(listing_html("政府信息公开年报", [
            (f"/f/{n}.txt", TITLE.format(n)) for n in listed]))
    try:
        with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
            one, two, three = (_source(portal, path).model_copy(update={"name": name})
                               for path, name in (("/one/", "one"), ("/two/", "two"),
                                                  ("/three/", "three")))
            crawl_sources([one, two], store, jobs=1)
            rows = {u["url"].rsplit("/", 1)[-1]: u for u in store.urls()}
            assert rows["a.txt"]["source"] in ("one", "two") and rows["b.txt"]["source"] == "one"
            first_owner = rows["a.txt"]["source"]
            crawl_sources([three], store, jobs=1)
            rows = {u["url"].rsplit("/", 1)[-1]: u for u in store.urls()}
            assert len(store.documents("ok")) == 3
    finally:
        portal.stop()
    assert len([u for u in rows if u.endswith(".txt")]) == 3
    assert rows["a.txt"]["source"] == first_owner and rows["c.txt"]["source"] == "three"
    assert all(rows[n]["status"] == "ok" for n in ("a.txt", "b.txt", "c.txt"))
