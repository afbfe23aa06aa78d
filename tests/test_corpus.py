"""The report generator, its renderers and the sample portal (real files, a real local server)."""
from __future__ import annotations

import hashlib
import io
import json
import re
from importlib import resources

import docx
import httpx
import jsonschema
import pdfplumber
import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from ingest.cli.main import app
from ingest.corpus import FORMATS, generate, specs
from ingest.corpus.numbers import APPLICANTS
from ingest.corpus.portal import build_portal
from ingest.corpus.serve import serve
from ingest.evaluate import score_records

ALL = ("pdf", "html", "docx", "txt", "scan")


@pytest.fixture(scope="module")
def batch():
    return list(generate(8, seed=7, formats=ALL))


@pytest.fixture(scope="module")
def schema():
    return json.loads(resources.files("ingest").joinpath("data/record.schema.json").read_text(encoding="utf-8"))


def test_gold_records_validate_and_score_one_against_themselves(batch, schema):
    golds = [g.record.to_json_dict() for g in batch]
    for gold in golds:
        jsonschema.validate(gold, schema)
    summary = score_records(golds, golds)
    for key in ("agency", "year", "template", "title", "section_sentences", "table_cells"):
        assert summary[key] == 1.0, key
    assert summary["statements"]["f1"] == 1.0 and summary["statements"]["tp"] > 20
    assert summary["themes"]["f1"] == 1.0


def test_same_seed_same_bytes():
    first = [hashlib.sha256(g.data).hexdigest() for g in generate(4, seed=3, formats=("pdf", "docx", "html", "txt"))]
    again = [hashlib.sha256(g.data).hexdigest() for g in generate(4, seed=3, formats=("pdf", "docx", "html", "txt"))]
    other = [hashlib.sha256(g.data).hexdigest() for g in generate(4, seed=4, formats=("pdf", "docx", "html", "txt"))]
    assert first == again and first != other


def test_pdfs_open_in_pdfplumber_with_text_and_ruled_tables(batch):
    pdfs = [g for g in batch if g.fmt == "pdf"]
    assert pdfs
    for g in pdfs:
        with pdfplumber.open(io.BytesIO(g.data)) as pdf:
            assert len(pdf.pages) == g.record.source.pages
            text = "".join(p.extract_text() or "" for p in pdf.pages)
            lines = sum(len(p.lines) for p in pdf.pages)
        compact = re.sub(r"\s", "", text)
        assert g.spec.clean_title[:12] in compact
        if g.spec.template != "legacy":
            assert "本年新收政府信息公开申请数量" in compact and lines > 20


def test_scans_have_no_text_layer_but_page_images(batch):
    scans = [g for g in batch if g.fmt == "scan"]
    assert scans
    for g in scans:
        with pdfplumber.open(io.BytesIO(g.data)) as pdf:
            assert all(not (p.extract_text() or "").strip() for p in pdf.pages)
            assert all(p.images for p in pdf.pages)


def test_html_parses_with_spanned_tables_and_declared_charset():
    pages = list(generate(16, seed=11, formats=("html",)))
    encodings = set()
    for g in pages:
        head = g.data[:400].decode("ascii", errors="ignore").lower()
        enc = "gbk" if "charset=gbk" in head else "utf-8"
        encodings.add(enc)
        tree = lxml_html.fromstring(g.data.decode(enc))
        if b"<html" not in g.data[:300]:  # an article fragment: no <html>/<head>, the title on top
            assert g.data.startswith(b"<p") and tree.xpath("string(//p[1])") == g.spec.clean_title
        else:
            assert tree.findtext(".//title").startswith(g.spec.clean_title)
            assert "当前位置" in g.data.decode(enc) or "位置" in g.data.decode(enc)
        if g.spec.template != "legacy":
            assert tree.xpath("//td[@rowspan]") and tree.xpath("//td[@colspan]")
    assert encodings == {"gbk", "utf-8"}


def test_docx_tables_have_real_merges(batch):
    for g in (g for g in batch if g.fmt == "docx"):
        document = docx.Document(io.BytesIO(g.data))
        xml = document.element.xml
        if g.spec.template != "legacy":
            assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml
            assert len(document.tables) == 3
        assert any(g.spec.agency in p.text for p in document.paragraphs)


def test_txt_tables_are_tab_separated(batch):
    for g in (g for g in batch if g.fmt == "txt"):
        text = g.data.decode("utf-8")
        assert g.spec.title in text
        if g.spec.template != "legacy":
            assert re.search(r"一、本年新收政府信息公开申请数量\t+\S", text)


def test_tables_obey_identities_unless_broken_and_legacy_has_none():
    seen = {"broken": 0, "whole": 0, "legacy": 0}
    for spec in specs(120, seed=5):
        from ingest.corpus.build import gold_checks
        checks = gold_checks(spec)
        if spec.template == "legacy":
            assert checks == [] and all(v is None for v in spec.tables.values())
            seen["legacy"] += 1
            continue
        req = spec.tables["requests"]
        assert len(req) == (25 if spec.template == "2021" else 23)
        assert set(req["granted"]) == set(APPLICANTS) | {"total"}
        ok = all(c.ok for c in checks)
        assert ok == (spec.broken is None), (spec.name, spec.broken, checks)
        seen["broken" if spec.broken else "whole"] += 1
    assert seen["broken"] >= 5 and seen["whole"] > seen["broken"] and seen["legacy"] >= 20


def test_statements_follow_the_problems_text():
    for spec in specs(40, seed=9):
        body = "".join(s.text() for s in spec.sections if s.id == "problems")
        assert {s["type"] for s in spec.statements} <= {"problem", "improvement", "other"}
        assert any(s["type"] == "problem" for s in spec.statements)
        for st in spec.statements:
            assert st["text"] in body and not st["text"].endswith(("。", "；"))
            assert st["type"] == "other" or st["themes"]


def test_cli_generate_writes_docs_and_gold(tmp_path):
    result = CliRunner().invoke(app, ["corpus", "generate", "--n", "3", "--out", str(tmp_path), "--formats", "txt,html"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["gen001-txt.txt", "gen002-html.html", "gen003-txt.txt"]
    gold = json.loads((tmp_path / "gold" / "gen002-html.json").read_text(encoding="utf-8"))
    assert gold["source"]["sha256"] == hashlib.sha256((tmp_path / "docs" / "gen002-html.html").read_bytes()).hexdigest()
    bad = CliRunner().invoke(app, ["corpus", "generate", "--n", "1", "--out", str(tmp_path), "--formats", "odt"])
    assert bad.exit_code != 0 and "unknown format" in bad.output


def test_portal_crawlable_over_http(tmp_path):
    manifest = build_portal(tmp_path / "site", n=24, seed=2, scans=0)
    assert len(manifest["listing_pages"]) == 2 and manifest["gbk_pages"]
    with serve(tmp_path / "site") as base, httpx.Client(base_url=base) as client:
        page, seen = manifest["start"], []
        while page:  # follow 下一页 from the first listing page to the last
            resp = client.get(page)
            assert resp.status_code == 200
            enc = "gbk" if b"charset=gbk" in resp.content[:400] else "utf-8"
            text = resp.content.decode(enc)
            seen.append(page)
            nxt = re.search(r'<a href="(index_\d+\.html)">下一页</a>', text)
            page = page.rsplit("/", 1)[0] + "/" + nxt.group(1) if nxt else None
        assert seen == manifest["listing_pages"]
        kinds = {d["kind"] for d in manifest["documents"]}
        assert kinds == {"report", "not_report"}
        for doc in manifest["documents"]:
            data = client.get(doc["url"]).content
            if doc["kind"] == "report":
                gold = json.loads((tmp_path / doc["gold"]).read_text(encoding="utf-8"))
                assert hashlib.sha256(data).hexdigest() == gold["source"]["sha256"]
            assert client.get(doc["page"]).status_code == 200
        assert client.get("no/such/page.html").status_code == 404


def test_formats_cover_every_renderer():
    assert set(FORMATS) == set(ALL)


def test_some_legacy_reports_print_the_old_statistics_table_but_gold_tables_stay_null():
    from ingest.corpus.generate import render as render_one
    from ingest.corpus.model import TableBlock

    legacy = [s for s in specs(80, seed=3)
              if any(isinstance(b, TableBlock) and b.kind == "legacy_stats" for sec in s.sections for b in sec.blocks)]
    assert legacy
    gen = render_one(legacy[0], "html")
    assert "统计指标" in gen.data.decode("gbk" if b"charset=gbk" in gen.data[:400] else "utf-8")
    assert gen.record.tables.model_dump() == {"proactive": None, "requests": None, "review_litigation": None}
    assert "统计指标" not in " ".join(s.text for s in gen.record.sections)


def test_phrase_bank_themes_exist_in_the_taxonomy():
    from ingest.corpus.phrases import bank
    from ingest.settings import load_yaml

    known = {t["id"] for t in load_yaml("themes.yaml")["themes"]}
    used = {t for kind in ("problems", "improvements") for _, themes in bank()[kind] for t in themes}
    assert used <= known and len(used) == len(known)


def test_a_legacy_report_with_more_than_ten_chapters_numbers_them_on():
    import re

    from ingest.corpus import compose
    from ingest.corpus.generate import specs

    assert [compose.chapter(n) for n in (0, 9, 10, 11)] == ["一", "十", "十一", "十二"]
    long = next(s for s in specs(600, seed=2026, prefix="bench")
                if any(re.match("十[一二三四五六七八九]、", x.heading) for x in s.sections))
    numbers = [x.heading.split("、")[0] for x in long.sections]
    assert numbers == [compose.chapter(i) for i in range(len(numbers))]
