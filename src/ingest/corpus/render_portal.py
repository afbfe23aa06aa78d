"""Real-portal HTML (render_html.py's `portal` and `fragment` variants): what agencies' CMSs
actually publish, built from a report spec with invented chrome.

`portal_page`: a whole TRS/Hanweb-style page — chrome before and after the article, the page
date on a 时间： line above it, the article as Word-exported HTML. `fragment`: the article's
HTML alone, without <html>, <head> or a charset. Every choice is drawn from the report's name,
so the same spec always gives the same bytes.
"""
from __future__ import annotations

import random
import re
from html import escape

from ..layout import Table
from .model import Para, ReportSpec, TableBlock
from .render_html import _code, published_date

_MENU = ("首页", "政府信息公开", "领导之窗", "政务要闻", "政策文件库", "公示公告", "规划计划", "人事信息",
         "统计数据", "重点领域信息公开", "政策解读", "回应关切", "网上办事", "互动交流", "在线访谈", "民意征集")
_FRIENDS = ("省人民政府门户网站", "市人民政府门户网站", "人民网", "新华网", "政务服务网", "12345便民服务平台")
_WORD_P = ('<P class=MsoNormal style="TEXT-INDENT: 32pt; LINE-HEIGHT: 28pt; MARGIN: 0cm 0cm 0pt; '
           'mso-line-height-rule: exactly">')
_BODY_FONT = '<SPAN style="FONT-FAMILY: 仿宋_GB2312; FONT-SIZE: 16pt; mso-hansi-font-family: 宋体">'
_HEAD_FONT = '<SPAN style="FONT-FAMILY: 黑体; FONT-SIZE: 16pt; mso-bidi-font-weight: bold">'


def _rng(spec: ReportSpec, what: str) -> random.Random:
    return random.Random(_code(f"{what}:{spec.name}"))


# ---------------------------------------------------------------- Word-exported article HTML
def word_runs(text: str, rng: random.Random, font: str = _BODY_FONT) -> str:
    """Text as Word exports it: runs of a few characters each, every digit in a span of its own."""
    out = []
    for chunk in re.findall(r"\d|[^\d]+", text):
        if chunk.isdigit():
            out.append(f'<SPAN lang=EN-US style="FONT-SIZE: 16pt">{chunk}</SPAN>')
            continue
        while chunk:
            k = rng.randint(3, 40)
            out.append(f"{font}{escape(chunk[:k])}</SPAN>")
            chunk = chunk[k:]
    return "".join(out)


def word_heading(text: str, rng: random.Random) -> str:
    """A chapter heading styled by spans only: marker and phrase in separate bold runs."""
    marker, _, phrase = text.partition("、")
    runs = (f"<B>{_HEAD_FONT}{escape(marker)}、</SPAN></B><B>{word_runs(phrase, rng, _HEAD_FONT)}</B>"
            if phrase else f"<B>{word_runs(text, rng, _HEAD_FONT)}</B>")
    return f"{_WORD_P}{runs}<o:p></o:p></P>"


def word_para(p: Para, rng: random.Random) -> str:
    runs = word_runs(p.text, rng)
    return f"{_WORD_P}{f'<B>{runs}</B>' if p.sub else runs}<o:p></o:p></P>"


def header_cell(text: str) -> str:
    """A header cell's text with a line break inside, as editors wrap 本年新<br/>制作数量."""
    plain = escape(text)
    if len(text) >= 6 and not re.search(r"\d", text):
        cut = len(text) // 2
        return f"{escape(text[:cut])}<br/>{escape(text[cut:])}"
    return plain


def table_markup(table: Table, word: bool) -> str:
    """A grid with rowspan/colspan; empty cells are &nbsp;; cells of the first rows wrap."""
    rows: dict[int, list[str]] = {}
    first_data = _first_figure_row(table)
    for cell in table.cells:
        span = (f" rowSpan={cell.rowspan}" if cell.rowspan > 1 else "") + (
            f" colSpan={cell.colspan}" if cell.colspan > 1 else "")
        text = header_cell(cell.text) if cell.row < first_data else escape(cell.text)
        inner = text or "&nbsp;"
        if word:
            inner = f"<P class=MsoNormal align=center>{_BODY_FONT}{inner}</SPAN></P>"
            rows.setdefault(cell.row, []).append(f'<TD{span} style="BORDER: windowtext 1pt solid" vAlign=center>{inner}</TD>')
        else:
            rows.setdefault(cell.row, []).append(f"<td{span}>{inner}</td>")
    if word:
        body = "".join(f"<TR>{''.join(rows.get(r, []))}</TR>" for r in range(table.n_rows))
        return f"<TABLE class=MsoNormalTable border=1 cellSpacing=0 cellPadding=0><TBODY>{body}</TBODY></TABLE>"
    body = "".join(f"<tr>{''.join(rows.get(r, []))}</tr>" for r in range(table.n_rows))
    return f'<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>{body}</tbody></table>'


def _first_figure_row(table: Table) -> int:
    """The first row holding a figure: rows above it are the header."""
    figures = [c.row for c in table.cells if re.fullmatch(r"[\d.,，]+", c.text.strip() or "x")]
    return min(figures, default=1)


def title_blocks(spec: ReportSpec, how: str) -> list[str]:
    """The title inside the article: one line, over two lines (agency / year + rest), or none."""
    title = spec.title.replace(" ", "")
    if how == "none":
        return []
    if how == "two_p" and str(spec.year) in title and not title.startswith(str(spec.year)):
        cut = title.index(str(spec.year))
        return [title[:cut], title[cut:]]
    return [title]


def word_article(spec: ReportSpec, rng: random.Random, title_how: str) -> str:
    """The report body as Word HTML, paragraphs back to back with no whitespace between them."""
    parts = ['<?xml:namespace prefix = o ns = "urn:schemas-microsoft-com:office:office" />']
    parts += [f'<P class=MsoNormal align=center style="TEXT-ALIGN: center">{word_runs(t, rng, _HEAD_FONT)}</P>'
              for t in title_blocks(spec, title_how)]
    if title_how != "none" and spec.template == "legacy" and rng.random() < 0.4:  # cover lines
        parts += [f'<P class=MsoNormal align=center>{word_runs(t, rng)}</P>'
                  for t in (spec.agency + "办公室", f"{spec.year + 1}年1月")]
    parts.append("<P class=MsoNormal>&nbsp;</P>")
    parts += [word_para(Para(t), rng) for t in spec.lead]
    tabled = [i for i, sec in enumerate(spec.sections) if any(isinstance(b, TableBlock) for b in sec.blocks)]
    # Word puts landscape table pages in sections of their own: WordSection1 / 2 / 3 divs
    breaks = {tabled[0]: 2, tabled[-1] + 1: 3} if tabled and rng.random() < 0.4 else {}
    if breaks:
        parts.insert(0, "<DIV class=WordSection1>")
    for i, sec in enumerate(spec.sections):
        if i in breaks:
            parts.append(f"</DIV><DIV class=WordSection{breaks[i]}>")
        parts.append(word_heading(sec.heading, rng))
        for block in sec.blocks:
            parts.append(table_markup(block.table, word=True) if isinstance(block, TableBlock) else word_para(block, rng))
            if rng.random() < 0.05:
                parts.append("<!--ewebeditor:page-->")
    parts += [f'<P class=MsoNormal align=right style="TEXT-ALIGN: right">{word_runs(line, rng)}</P>'
              for line in (spec.signature, spec.date_text) if line]
    parts += [table_markup(b.table, word=True) if isinstance(b, TableBlock) else word_para(b, rng) for b in spec.appendix]
    if rng.random() < 0.5:  # the editor's sign-off and page furniture inside the article
        parts.append(f'<P class=MsoNormal align=right>（责任编辑：{escape(spec.agency[:2])}信息科）</P>'
                     '<P>扫一扫在手机上查看当前页面</P><P>上一篇：<A href="../prev.html">关于公布政务服务事项清单的通知</A></P>')
    return "".join(parts) + ("</DIV>" if breaks else "")


# ---------------------------------------------------------------- whole portal page
def chrome_top(site: str, rng: random.Random) -> str:
    menu = "".join(f'<li><a href="/{i}/">{m}</a></li>' for i, m in enumerate(_MENU))
    return (f'<div class="header"><div class="top-bar"><span>欢迎访问{escape(site)}</span>'
            '<a href="javascript:;" class="elder">长者模式</a><a href="javascript:;" id="wza">无障碍浏览</a>'
            '<a href="/en/">English</a><a href="/login/">登录</a></div>'
            f'<div class="logo"><img src="/images/logo.png" alt="{escape(site)}"></div>'
            '<div class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></div>'
            f'<ul class="main-nav">{menu}</ul></div>'
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; '
            '<a href="../index.html">政府信息公开年报</a></div>')


def related(spec: ReportSpec) -> str:
    """A related-articles list: other years' reports of the same agency (links only)."""
    items = "".join(f'<li><a href="../{y}/index.html">{escape(spec.agency)}{y}年政府信息公开工作年度报告</a>'
                    f'<span>{y + 1}-01-30</span></li>' for y in (spec.year - 1, spec.year - 2, spec.year - 3))
    return f'<div class="xgwz"><h4>相关文章</h4><ul>{items}</ul></div>'


def chrome_bottom(spec: ReportSpec, site: str) -> str:
    friends = "".join(f'<a href="http://example.invalid/{i}">{f}</a>' for i, f in enumerate(_FRIENDS))
    return (f'<div class="attach">附件下载：</div><div class="qr">扫一扫在手机上查看当前页面</div>{related(spec)}'
            f'<div class="footer"><div class="links">友情链接：{friends}</div>'
            f'<p>主办单位：{escape(site)}　承办：{escape(site)}信息中心</p>'
            f'<p>网站标识码：{_code(site) % 9000000000 + 1000000000}　备案号：X ICP备{_code(site) % 9000000 + 1000000}号</p>'
            '<p><a href="/sitemap/">网站地图</a> <a href="/contact/">联系我们</a> <a href="/jiucuo/">网站纠错</a></p></div>'
            '<script>var _hmt = _hmt || []; function $printDetail(){window.print();}</script>')


def title_how(spec: ReportSpec) -> str:
    """Where the portal page prints the title: <h1> (the article without it), <h1> and the
    article over two <p> (agency / 2019年政府信息公开工作年度报告), or only in <title>."""
    return _rng(spec, "title").choice(("h1", "h1", "two_p", "none"))


def portal_page(spec: ReportSpec, site: str) -> bytes:
    """A whole portal article page around the Word-HTML article (UTF-8 or GBK, declared)."""
    rng = _rng(spec, "portal")
    title = spec.title.replace(" ", "")
    how = title_how(spec)
    h1 = "" if how == "none" else f'<h1 class="article-title">{escape(title)}</h1>'
    published = published_date(spec)
    encoding = spec.style.html_encoding
    html = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">
<title>{escape(title)}_政府信息公开年报_{escape(site)}</title>
<meta name="SiteName" content="{escape(site)}"><meta name="ColumnName" content="政府信息公开年报">
<script src="/js/jquery.min.js"></script><style>.article_content p{{line-height:2}}</style></head>
<body>{chrome_top(site, rng)}
<div class="main"><div class="detail">{h1}
<div class="detail-info"><span>来源：{escape(site)}</span><span>时间：{published} 09:{_code(title) % 60:02d}</span>
<span class="tools">【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】
<a href="javascript:$printDetail()">打印</a></span>
<span class="share">分享到：<a href="javascript:;" title="分享到微信">微信</a><a href="javascript:;" title="分享到微博">微博</a></span></div>
<div class="tabs"><ul><li><a href="javascript:;">全真版</a></li><li><a href="javascript:;">文字版</a></li></ul>
<a href="javascript:;" class="download">文件下载</a></div>
<div class="article_area"><div class="article_content"><div class="TRS_Editor">{word_article(spec, rng, how)}</div></div></div>
{chrome_bottom(spec, site)}</div></div>
</body></html>
"""
    return html.encode(encoding, errors="xmlcharrefreplace")


# ---------------------------------------------------------------- article fragment
def fragment(spec: ReportSpec) -> bytes:
    """The article's HTML alone: plain <p> headings, one with <br /> before it, some chapters
    typed as one <p> of <br />-separated lines, a 发布日期 line."""
    rng = _rng(spec, "fragment")
    title = spec.title.replace(" ", "")
    parts = [f"<p style='text-align: center;font-weight: bold;'>{escape(title)}</p>\t"
             f"<p style='text-align: center'>发布日期：{published_date(spec)}</p>"]
    parts += [f"<p>{escape(t)}</p>" for t in spec.lead]
    broken = rng.randrange(1, max(2, len(spec.sections)))
    for i, sec in enumerate(spec.sections):
        lines = [escape(sec.heading)]
        if rng.random() < 0.25:  # the chapter typed as one <p> of <br />-separated lines
            while sec.blocks[len(lines) - 1:] and isinstance(sec.blocks[len(lines) - 1], Para):
                lines.append(escape(sec.blocks[len(lines) - 1].text))
        parts.append(f"<p>{'<br />' if i == broken else ''}{'<br />'.join(lines)}</p>")
        for block in sec.blocks[len(lines) - 1:]:
            parts.append(table_markup(block.table, word=False) if isinstance(block, TableBlock)
                         else f"<p>{escape(block.text)}</p>")
    parts += [f"<p style='text-align: right'>{escape(line)}</p>" for line in (spec.signature, spec.date_text) if line]
    parts += [table_markup(b.table, word=False) if isinstance(b, TableBlock) else f"<p>{escape(b.text)}</p>"
              for b in spec.appendix]
    return "".join(parts).encode("utf-8")
