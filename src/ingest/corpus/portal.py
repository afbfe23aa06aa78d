"""The sample portal: a static gov-CMS site with a 政府信息公开年报 column.

Paginated listing pages (index.html, index_1.html … with 下一页 links; one of them GBK),
article pages with the report inline (HTML) or as an attachment (PDF, DOCX, scanned PDF),
and a few items that are not reports (解读, 工作总结, a notice). `build_portal` writes the
site and returns a manifest saying which URLs are reports and where their gold records are.
`style` picks the CMS's URL layout and how deep the column sits (portal_styles.py): a
query-string page is written as a file named with its query (corpus/serve.py serves it).
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .generate import Generated, render, specs
from .phrases import bank, fill
from .portal_styles import NOISE, STYLES, Style
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


def href(style: Style, path: str, here: str) -> str:
    """A link to `path` from the page at `here`: relative in the sample portal, else root-relative."""
    if style.relative:
        folder = here.rsplit("/", 1)[0] + "/"
        return "./" + path[len(folder):] if path.startswith(folder) else "/" + path
    return escape("/" + path)


def report_item(gen: Generated, date: str, serial: int, style: Style = STYLES["sample"]) -> Item:
    page_path = style.fill(style.article, date, serial)
    title = gen.spec.clean_title
    if gen.fmt == "html":
        data = page_for(gen)
        return Item(title, date, page_path, "report", "html", page_path, gen_record(gen, page_path, data),
                    {page_path: data})
    ext = gen.filename.rsplit(".", 1)[1]
    doc_path = style.fill(style.attachment, date, serial, ext)
    label = title + ("（图片版）" if gen.fmt == "scan" else "")
    body = (f'<p style="text-indent:2em">{escape(title)}全文见附件。</p>'
            f'<p>附件：<a href="{href(style, doc_path, page_path)}">{escape(label)}.{ext}</a></p>')
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


def non_report_item(rng: random.Random, kind: str, gen: Generated, serial: int,
                    style: Style = STYLES["sample"]) -> Item:
    nb = bank()["non_reports"][kind]
    ctx = {"agency": gen.spec.agency, "year": gen.spec.year, "next": gen.spec.year + 1,
           "big": rng.randint(100, 3000), "n1": rng.randint(3, 40), "n2": rng.randint(0, 80)}
    title = fill(rng.choice(nb["titles"]), ctx)
    parts = []
    for head, para in zip(nb["heads"], nb["paras"][1:]):
        parts += [f"<p><strong>{escape(fill(head, ctx))}</strong></p>", f'<p style="text-indent:2em">{escape(fill(para, ctx))}</p>']
    body = f'<p style="text-indent:2em">{escape(fill(nb["paras"][0], ctx))}</p>' + "".join(parts)
    date = f"{gen.spec.year + 1}-0{rng.randint(1, 4)}-{rng.randint(10, 28)}"
    page_path = style.fill(style.article, date, serial)
    data = page(title, body, SITE, "utf-8", serial % 3, date)
    return Item(title, date, page_path, "not_report", kind, page_path, None, {page_path: data})


def listing(items: list[Item], index: int, pages: int, encoding: str,
            style: Style = STYLES["sample"]) -> bytes:
    """Listing page `index` (0 = the first) of the column."""
    here = style.listing_page(index)

    def name(i: int) -> str:
        if style.relative:
            return style.listing_page(i).rsplit("/", 1)[1]
        return href(style, style.listing_page(i), here)
    rows = "\n".join(
        f'<li><a href="{href(style, it.page_path, here)}" target="_blank" title="{escape(it.title)}">'
        f'{escape(it.title)}</a><span class="date">{it.date}</span></li>' for it in items)
    nav = [f"共{pages}页", f'<a href="{name(0)}">首页</a>']
    if index > 0:
        nav.append(f'<a href="{name(index - 1)}">上一页</a>')
    if index < pages - 1:
        nav.append(f'<a href="{name(index + 1)}">下一页</a>')
    nav.append(f'<a href="{name(pages - 1)}">尾页</a>')
    body = f'<div class="list"><ul>\n{rows}\n</ul></div>\n<div class="page">{" ".join(nav)}</div>'
    if style.json_list:
        body = script_list(style, rows)
    html = page(style.column_text, body, SITE, encoding, 0, items[0].date if items else "")
    return html.replace(b'href="../index.html"', b'href="index.html"') if style.relative else html


def script_list(style: Style, rows: str) -> bytes:
    """A list a script draws from the column's JSON pages; the first page is also static."""
    url = "/" + style.json_list.replace("{n}", "' + page + '")
    return (f'<div id="app"><ul class="list" id="list">\n{rows}\n'
            '<li v-for="item in items"><a :href="item.url">{{ item.title }}</a>'
            '<span class="date">{{ item.publishDate }}</span></li></ul>'
            '<div class="page" id="pager"></div></div>\n'
            '<script>function load(page) { $.getJSON(\'' + url + '\', function (res) {'
            ' app.items = res.data.list; }); } load(1);</script>')


def home(style: Style = STYLES["sample"]) -> bytes:
    if not style.hops:
        body = (f'<p><a href="{COLUMN}/index.html">政府信息公开年报</a></p>'
                '<p><a href="/xxgk/zcwj/">政策文件</a> <a href="/xxgk/zcjd/">政策解读</a></p>')
        return page(SITE, body, SITE, "utf-8", 0, "2026-01-01")
    return hop_page(SITE, style.hops[0], NOISE[:3])


def hop_page(title: str, onward: tuple[str, str], noise) -> bytes:
    """A navigation page: the link onward among a few others."""
    links = [onward, *noise]
    links.insert(len(links) // 2, links.pop(0))
    body = "<ul class=\"nav\">" + "".join(f'<li><a href="/{escape(p)}">{escape(t)}</a></li>'
                                         for p, t in links) + "</ul>"
    return page(title, body, SITE, "utf-8", 1, "2026-01-01")


def navigation(style: Style) -> dict[str, bytes]:
    """The home page and the hop pages down to the column (or, without one, a dead end)."""
    files = {"index.html": home(style)}
    steps = [*style.hops, (style.first, style.column_text)] if style.has_column else [
        *style.hops, ("zcwj/index.html", "政策文件")]
    for (path, text), onward in zip(steps, steps[1:]):
        files[path] = hop_page(text, onward, NOISE[3:] if style.has_column else NOISE[:4])
    if not style.has_column:
        files["zcwj/index.html"] = hop_page("政策文件", ("zcwj/2024/notice.html", "关于开展安全生产检查的通知"), ())
    return files


def collect(n: int, seed: int, scans: int, style: Style = STYLES["sample"],
            extras: bool = True) -> list[Item]:
    rng = random.Random(f"portal:{seed}")
    items: list[Item] = []
    gens = []
    for i, (spec, fmt) in enumerate(zip(specs(n, seed, prefix="rpt"), portal_formats(n, scans))):
        spec.name = f"{spec.name}-{fmt}"
        gen = render(spec, fmt)
        gens.append(gen)
        items.append(report_item(gen, publish_date(gen, rng), 100000 + i, style))
    for j, kind in enumerate(("interpretation", "interpretation", "summary", "summary", "notice")
                             if extras else ()):
        items.append(non_report_item(rng, kind, gens[(j * 7) % len(gens)], 200000 + j, style))
    items.sort(key=lambda it: (it.date, it.page_path), reverse=True)
    return items


def json_pages(style: Style, items: list[Item], pages: int, per_page: int) -> dict[str, bytes]:
    """The JSON pages a script-drawn list is filled from (one more, empty, at the end)."""
    files = {}
    for k in range(pages + 1):
        chunk = items[k * per_page:(k + 1) * per_page]
        rows = [{"title": it.title, "url": "/" + it.page_path, "publishDate": it.date}
                for it in chunk]
        files[style.json_list.format(n=k + 1)] = json.dumps(
            {"code": 0, "data": {"total": len(items), "page": k + 1, "list": rows}},
            ensure_ascii=False).encode("utf-8")
    return files


def gold_stem(document_path: str) -> str:
    """A file name for a document's gold record (query-string URLs made safe)."""
    return Path(document_path).stem if "?" not in document_path else re.sub(
        r"[^\w.-]+", "_", document_path)


def build_portal(out: str | Path, n: int = 60, seed: int = 0, scans: int = 2,
                 gold_dir: str | Path | None = None, progress=None, style: str = "sample",
                 per_page: int = PER_PAGE, extras: bool = True) -> dict:
    """Write the site under `out`, gold records under `gold_dir` (default: <out>-gold) and
    `<out>-manifest.json`; return the manifest. `style`: a name of portal_styles.STYLES;
    `per_page`: items per listing page; `extras`: also a few items that are not reports."""
    if style not in STYLES:
        raise ValueError(f"unknown portal style {style!r} (one of {', '.join(STYLES)})")
    cms = STYLES[style]
    out = Path(out)
    gold_dir = Path(gold_dir) if gold_dir else out.with_name(out.name + "-gold")
    items = [] if not cms.has_column else (
        collect(n, seed, scans, cms, extras) if progress is None
        else progress(collect(n, seed, scans, cms, extras)))
    pages = max(1, -(-len(items) // per_page))
    files: dict[str, bytes] = navigation(cms)
    listing_pages = []
    for k in range(pages if cms.has_column else 0):
        chunk = items[k * per_page:(k + 1) * per_page]
        if cms.json_list and k:
            break  # the rest of a script-drawn list is only in its JSON pages
        listing_pages.append(cms.listing_page(k))
        files[cms.listing_page(k)] = listing(
            chunk, k, pages, "gbk" if k == min(2, pages - 1) and pages > 1 else "utf-8", cms)
    if cms.json_list and items:
        files.update(json_pages(cms, items, pages, per_page))
    manifest = {"site": out.name, "style": style, "home": "index.html",
                "start": cms.first if cms.has_column else None,
                "listing_pages": listing_pages,
                "gbk_pages": [cms.listing_page(min(2, pages - 1))] if pages > 1
                and not cms.json_list else [],
                "documents": []}
    gold_dir.mkdir(parents=True, exist_ok=True)
    for it in items:
        files.update(it.files)
        entry = {"url": it.document_path, "page": it.page_path, "kind": it.kind, "format": it.what,
                 "title": it.title, "date": it.date}
        if it.gold:
            stem = gold_stem(it.document_path)
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
