"""The sample portal: a static gov-CMS site with a 政府信息公开年报 column.

Paginated listing pages (index.html, index_1.html … with 下一页 links; one of them GBK),
article pages with the report inline (HTML) or as an attachment (PDF, DOCX, scanned PDF),
and a few items that are not reports (解读, 工作总结, a notice). `build_portal` writes the
site and returns a manifest saying which URLs are reports and where their gold records are.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .generate import Generated, render, specs
from .phrases import bank, fill
from .render_html import page

COLUMN = "xxgk/ndbg"
PER_PAGE = 15
SITE = "枫林市人民政府门户网站"


@dataclass
class Item:
    """One entry of the column listing: an article page and what it carries."""

    title: str
    date: str
    page_path: str                 # article page, relative to the site root
    kind: str                      # report | not_report
    what: str                      # html | pdf | docx | scan | interpretation | summary | notice
    document_path: str | None = None  # the report's URL (the page itself or its attachment)
    gold: dict | None = None
    files: dict[str, bytes] = field(default_factory=dict)


def portal_formats(n: int, scans: int) -> list[str]:
    """Mostly inline HTML and PDF attachments, some DOCX, a few scans."""
    cycle = ["html", "pdf", "html", "docx", "pdf", "html", "pdf"]
    fmts = [cycle[i % len(cycle)] for i in range(n)]
    for i in range(min(scans, n)):
        fmts[(i * 17 + 5) % n] = "scan"
    return fmts


def publish_date(gen: Generated, rng: random.Random) -> str:
    return gen.spec.report_date or f"{gen.spec.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"


def report_item(gen: Generated, date: str, serial: int) -> Item:
    month, day = date[:7].replace("-", ""), date.replace("-", "")
    page_path = f"{COLUMN}/{month}/t{day}_{serial}.html"
    title = gen.spec.clean_title
    if gen.fmt == "html":
        data = page_for(gen)
        return Item(title, date, page_path, "report", "html", page_path, gen_record(gen, page_path, data),
                    {page_path: data})
    ext = gen.filename.rsplit(".", 1)[1]
    doc_path = f"{COLUMN}/{month}/P0{day}{serial}.{ext}"
    label = title + ("（图片版）" if gen.fmt == "scan" else "")
    body = (f'<p style="text-indent:2em">{escape(title)}全文见附件。</p>'
            f'<p>附件：<a href="./{doc_path.rsplit("/", 1)[1]}">{escape(label)}.{ext}</a></p>')
    data = page(label, body, SITE, "utf-8", serial % 3, date)
    return Item(label, date, page_path, "report", gen.fmt, doc_path, gen_record(gen, doc_path, gen.data),
                {page_path: data, doc_path: gen.data})


def page_for(gen: Generated) -> bytes:
    """The HTML report re-rendered under the portal's own site name."""
    from .render_html import render as render_html
    return render_html(gen.spec, site=SITE)


def gen_record(gen: Generated, uri: str, data: bytes) -> dict:
    """The gold record with the portal URL and the bytes actually served."""
    from .build import gold_record
    media = gen.record.source.media_type
    return gold_record(gen.spec, data, uri, media, gen.record.source.pages).to_json_dict()


def non_report_item(rng: random.Random, kind: str, gen: Generated, serial: int) -> Item:
    nb = bank()["non_reports"][kind]
    ctx = {"agency": gen.spec.agency, "year": gen.spec.year, "next": gen.spec.year + 1,
           "big": rng.randint(100, 3000), "n1": rng.randint(3, 40), "n2": rng.randint(0, 80)}
    title = fill(rng.choice(nb["titles"]), ctx)
    parts = []
    for head, para in zip(nb["heads"], nb["paras"][1:]):
        parts += [f"<p><strong>{escape(fill(head, ctx))}</strong></p>", f'<p style="text-indent:2em">{escape(fill(para, ctx))}</p>']
    body = f'<p style="text-indent:2em">{escape(fill(nb["paras"][0], ctx))}</p>' + "".join(parts)
    date = f"{gen.spec.year + 1}-0{rng.randint(1, 4)}-{rng.randint(10, 28)}"
    page_path = f"{COLUMN}/{date[:7].replace('-', '')}/t{date.replace('-', '')}_{serial}.html"
    data = page(title, body, SITE, "utf-8", serial % 3, date)
    return Item(title, date, page_path, "not_report", kind, page_path, None, {page_path: data})


def listing(items: list[Item], index: int, pages: int, encoding: str) -> bytes:
    """Listing page `index` (0 = index.html) with links relative to the column folder."""
    def name(i: int) -> str:
        return "index.html" if i == 0 else f"index_{i}.html"
    rows = "\n".join(
        f'<li><a href="./{it.page_path[len(COLUMN) + 1:]}" target="_blank" title="{escape(it.title)}">'
        f'{escape(it.title)}</a><span class="date">{it.date}</span></li>' for it in items)
    nav = [f"共{pages}页", f'<a href="{name(0)}">首页</a>']
    if index > 0:
        nav.append(f'<a href="{name(index - 1)}">上一页</a>')
    if index < pages - 1:
        nav.append(f'<a href="{name(index + 1)}">下一页</a>')
    nav.append(f'<a href="{name(pages - 1)}">尾页</a>')
    body = f'<div class="list"><ul>\n{rows}\n</ul></div>\n<div class="page">{" ".join(nav)}</div>'
    html = page("政府信息公开年报", body, SITE, encoding, 0, items[0].date if items else "")
    return html.replace(b'href="../index.html"', b'href="index.html"')


def home() -> bytes:
    body = (f'<p><a href="{COLUMN}/index.html">政府信息公开年报</a></p>'
            '<p><a href="/xxgk/zcwj/">政策文件</a> <a href="/xxgk/zcjd/">政策解读</a></p>')
    return page(SITE, body, SITE, "utf-8", 0, "2026-01-01")


def collect(n: int, seed: int, scans: int) -> list[Item]:
    rng = random.Random(f"portal:{seed}")
    items: list[Item] = []
    gens = []
    for i, (spec, fmt) in enumerate(zip(specs(n, seed, prefix="rpt"), portal_formats(n, scans))):
        spec.name = f"{spec.name}-{fmt}"
        gen = render(spec, fmt)
        gens.append(gen)
        items.append(report_item(gen, publish_date(gen, rng), 100000 + i))
    for j, kind in enumerate(("interpretation", "interpretation", "summary", "summary", "notice")):
        items.append(non_report_item(rng, kind, gens[(j * 7) % len(gens)], 200000 + j))
    items.sort(key=lambda it: (it.date, it.page_path), reverse=True)
    return items


def build_portal(out: str | Path, n: int = 60, seed: int = 0, scans: int = 2,
                 gold_dir: str | Path | None = None, progress=None) -> dict:
    """Write the site under `out`, gold records under `gold_dir` (default: <out>-gold) and
    `<out>-manifest.json`; return the manifest."""
    out = Path(out)
    gold_dir = Path(gold_dir) if gold_dir else out.with_name(out.name + "-gold")
    items = collect(n, seed, scans) if progress is None else progress(collect(n, seed, scans))
    pages = max(1, -(-len(items) // PER_PAGE))
    files: dict[str, bytes] = {"index.html": home()}
    for k in range(pages):
        chunk = items[k * PER_PAGE:(k + 1) * PER_PAGE]
        files[f"{COLUMN}/{'index.html' if k == 0 else f'index_{k}.html'}"] = listing(
            chunk, k, pages, "gbk" if k == min(2, pages - 1) and pages > 1 else "utf-8")
    manifest = {"site": out.name, "start": f"{COLUMN}/index.html",
                "listing_pages": [p for p in files if p.startswith(COLUMN + "/index")],
                "gbk_pages": [f"{COLUMN}/index_{min(2, pages - 1)}.html"] if pages > 1 else [],
                "documents": []}
    gold_dir.mkdir(parents=True, exist_ok=True)
    for it in items:
        files.update(it.files)
        entry = {"url": it.document_path, "page": it.page_path, "kind": it.kind, "format": it.what,
                 "title": it.title, "date": it.date}
        if it.gold:
            stem = Path(it.document_path).stem
            (gold_dir / f"{stem}.json").write_text(json.dumps(it.gold, ensure_ascii=False, indent=1),
                                                   encoding="utf-8")
            entry["gold"] = f"{gold_dir.name}/{stem}.json"
        manifest["documents"].append(entry)
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    out.with_name(out.name + "-manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
