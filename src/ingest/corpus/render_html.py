"""HTML rendering: a report as portals publish it, in one of three variants.

- `classic`: a gov-CMS article page (site chrome, breadcrumbs, 字号 大 中 小, 打印 关闭, footer
  with 主办单位/备案号), the report in its content div, tables with rowspan/colspan; some pages
  GBK-encoded with a matching meta charset.
- `portal` (render_portal.py): a whole TRS/Hanweb-style portal page — 长者模式/无障碍浏览 bars, big
  menus, share links, 全真版/文字版 tabs, related-article lists, link-list footers, 来源：/时间：
  lines (the page date) above the article, `<title>` = 标题_政府信息公开年报_站点 — with the
  article in Word-exported HTML (MsoNormal paragraphs, digits one span each, headings styled by
  spans only, no whitespace between paragraphs, <o:p>, <?xml:namespace?>, ewebeditor page
  comments, the tables in a WordSection div of their own), the title in <h1>, over two <p>, or only in <title>.
- `fragment`: the CMS's article HTML alone — no <html>, <head> or charset; headings as plain
  <p> (one with <br /> before it; some chapters one <p> of <br />-separated lines), a 发布日期：
  line under the title (not a 落款), `&nbsp;` cells and <br /> inside header cells.

Pages served by a portal (`site` given) are always whole pages (`classic`).
"""
from __future__ import annotations

import random
import zlib
from html import escape

from ..layout import Table
from .model import Para, ReportSpec, TableBlock

SKINS = (
    # (head/top chrome, breadcrumb prefix, content div open, footer)
    ('<div class="top"><a href="/">网站首页</a> | <a href="/wza/">无障碍浏览</a> | <a href="/old/">长者模式</a></div>'
     '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/hdjl/">互动交流</a><a href="/bsfw/">办事服务</a></div>',
     '当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="../index.html">政府信息公开年报</a>',
     '<div id="zoom" class="zoom">', ),
    ('<table width="1000" align="center" class="head"><tr><td><img src="/images/logo.png" alt="{site}"></td>'
     '<td><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/zxft/">在线访谈</a></td></tr></table>',
     '您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/xxgk/">政府信息公开</a> &gt;&gt; <a href="../index.html">年度报告</a>',
     '<div class="TRS_Editor">'),
    ('<header class="site-header"><ul class="menu"><li><a href="/">首页</a></li><li><a href="/xxgk/">信息公开</a></li>'
     '<li><a href="/zcjd/">政策解读</a></li><li><a href="/hygq/">回应关切</a></li></ul></header>',
     '您当前的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; <a href="../index.html">政府信息公开年报</a>',
     '<div class="article-content" id="UCAP-CONTENT">'),
)


def _code(text: str) -> int:
    """A stable number from a text (site codes and index numbers that never change between runs)."""
    return zlib.crc32(text.encode("utf-8"))


def table_html(table: Table) -> str:
    rows: dict[int, list[str]] = {}
    for cell in table.cells:
        span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
            f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
        rows.setdefault(cell.row, []).append(f"<td{span}>{escape(cell.text) or '&nbsp;'}</td>")
    body = "".join(f"<tr>{''.join(rows.get(r, []))}</tr>" for r in range(table.n_rows))
    return f'<table border="1" cellspacing="0" cellpadding="2" style="border-collapse:collapse"><tbody>{body}</tbody></table>'


def heading_html(text: str, how: str) -> str:
    if how == "h3":
        return f"<h3>{escape(text)}</h3>"
    if how == "strong":
        return f'<p style="text-indent:2em"><strong>{escape(text)}</strong></p>'
    return f'<p style="text-indent:2em;font-weight:bold">{escape(text)}</p>'


def para_html(p: Para, skin: int = 0) -> str:
    """A paragraph the way CMS editors leave them: indented, sometimes padded with &nbsp; or
    wrapped in a font span pasted from Word."""
    text = escape(p.text)
    if p.sub:
        text = f"<b>{text}</b>"
    if skin == 1:
        text = f'<span style="font-family:仿宋_GB2312;font-size:16pt">{text}</span>'
    elif skin == 0 and len(p.text) % 3 == 0:
        text = "&nbsp;&nbsp;&nbsp;&nbsp;" + text
    return f'<p style="text-indent:2em">{text}</p>'


def body_html(spec: ReportSpec) -> str:
    skin = spec.style.html_skin
    parts = [para_html(Para(t), skin) for t in spec.lead]
    if skin == 1:  # the body repeats the title above the lead
        parts.insert(0, f'<p align="center"><strong>{escape(spec.title)}</strong></p>')
    for sec in spec.sections:
        parts.append(heading_html(sec.heading, spec.style.html_headings))
        for block in sec.blocks:
            parts.append(f'<div style="overflow-x:auto">{table_html(block.table)}</div>'
                         if isinstance(block, TableBlock) else para_html(block, skin))
    closing = [escape(line) for line in (spec.signature, spec.date_text) if line]
    if skin == 2:  # one right-aligned paragraph, lines split by <br>
        parts.append(f'<p style="text-align:right">{"<br/>".join(closing)}</p>' if closing else "")
        parts += appendix_html(spec)
    else:
        parts += closing_html(spec)
    return "\n".join(parts)


def page(title: str, content: str, site: str, encoding: str, skin: int, published: str,
         meta_box: str = "") -> bytes:
    """A whole CMS article page around `content` (already HTML)."""
    top, crumbs, open_div = SKINS[skin % len(SKINS)]
    # old CMS templates put the article body inside a layout table
    layout_open, layout_close = (('<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
                                  '<td class="bt_content" valign="top">', "</td></tr></table>")
                                 if skin % len(SKINS) == 1 else ("", ""))
    charset = ('<meta http-equiv="Content-Type" content="text/html; charset=gbk">' if encoding == "gbk"
               else '<meta charset="utf-8">')
    html = f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{charset}
<title>{escape(title)}_{escape(site)}</title>
<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="{published}">
<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.min.js"></script></head>
<body>{top.format(site=escape(site))}
<div class="crumbs">{crumbs}</div>
<div class="article">{meta_box}
<h1 class="title">{escape(title)}</h1>
<div class="info">发布时间：{published}　来源：{escape(site)}　浏览次数：<span id="views">{len(content) % 997}</span>
【字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】
【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
{layout_open}{open_div}
{content}
</div>{layout_close}
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<div class="footer"><p>主办单位：{escape(site)}办公室　承办单位：{escape(site)}大数据中心</p>
<p>备案号：X ICP备{_code(site) % 90000000 + 10000000}号　网站标识码：{_code(title) % 9000000000 + 1000000000}</p>
<p><a href="/sitemap/">网站地图</a> | <a href="/contact/">联系我们</a></p></div>
</body></html>
"""
    return html.encode(encoding, errors="xmlcharrefreplace")


def published_date(spec: ReportSpec) -> str:
    return spec.report_date or f"{spec.year + 1}-01-31"


VARIANTS = ("classic", "portal", "fragment")


def variant_of(spec: ReportSpec) -> str:
    """The variant a report's HTML comes in, fixed by its name (no draw from the report's rng)."""
    return random.Random(_code("html:" + spec.name)).choices(VARIANTS, weights=(3, 2, 1))[0]


def closing_html(spec: ReportSpec) -> list[str]:
    """The 落款 lines, right-aligned, then any appendix (the old 统计表 after the 落款)."""
    lines = [f'<p style="text-align:right">{escape(line)}</p>' for line in (spec.signature, spec.date_text) if line]
    return lines + appendix_html(spec)


def appendix_html(spec: ReportSpec) -> list[str]:
    return [table_html(b.table) if isinstance(b, TableBlock) else f"<p>{escape(b.text)}</p>" for b in spec.appendix]


def render(spec: ReportSpec, site: str | None = None, variant: str | None = None) -> bytes:
    variant = variant or ("classic" if site else variant_of(spec))
    if variant not in VARIANTS:
        raise ValueError(f"unknown HTML variant {variant!r}; choose from {', '.join(VARIANTS)}")
    if variant == "portal":
        from .render_portal import portal_page
        return portal_page(spec, site or spec.agency)
    if variant == "fragment":
        from .render_portal import fragment
        return fragment(spec)
    site = site or spec.agency
    box = ""
    if spec.style.html_skin == 2:
        box = (f'<table class="xxgk-meta"><tr><td>索引号：</td><td>{_code(spec.name) % 10**8:08d}/{spec.year + 1}-00012</td>'
               f'<td>主题分类：</td><td>其他</td></tr><tr><td>发布机构：</td><td>{escape(spec.agency)}</td>'
               f'<td>发布日期：</td><td>{published_date(spec)}</td></tr></table>')
    return page(spec.title.replace(" ", ""), body_html(spec), site, spec.style.html_encoding,
                spec.style.html_skin, published_date(spec), box)
