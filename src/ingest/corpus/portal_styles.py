"""URL layouts of the CMSs that government portals run, for the generated sample portals.

Each `Style` says where the listing pages, articles and attachments of a 政府信息公开年报
column live, and which pages lead from the home page to it (the hops, 1-3 clicks):

    sample   the bundled sample portal: xxgk/ndbg/index_N.html, tYYYYMMDD_ID.html (1 click)
    trs      TRS WCM: tYYYYMMDD_ID.htm, index_N.htm, the column two levels deep
    hanweb   Hanweb: col/colNNNN/index.html?uid=..&pageNum=N, art/YYYY/M/D/art_*.html, 3 clicks
             (政务公开 -> a 政府信息公开 sub-site -> the column)
    php      a PHP CMS: index.php?...&a=lists&catid=N&page=N, index.php?...&a=show&id=N
    phplist  a PHP CMS with static pages: html/ndbg/list-N.html
    script   a list drawn by script from JSON pages (xxgk/nb/data/list_N.json), first page static
    none     a portal with an 信息公开 section but no annual-report column
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    name: str
    first: str = ""                 # listing page 1
    paged: str = ""                 # listing page n (n >= 2), with {n} (and {k} = n - 1)
    article: str = ""               # with {ym} {ymd} {y} {m} {d} {md} {serial}
    attachment: str = ""            # with the same and {ext}
    hops: tuple[tuple[str, str], ...] = ()  # (page, the link text leading to it) home -> column
    column_text: str = "政府信息公开年报"
    relative: bool = False          # links relative to the column folder (the sample portal)
    json_list: str = ""             # script: the JSON page n of the list, with {n}
    has_column: bool = True

    def listing_page(self, k: int) -> str:
        """Listing page k (0 = the first)."""
        return self.first if k == 0 else self.paged.format(n=k + 1, k=k)

    def fill(self, pattern: str, date: str, serial: int, ext: str = "") -> str:
        y, m, d = date.split("-")
        return pattern.format(y=y, m=int(m), d=int(d), ym=y + m, ymd=y + m + d, md=m + d,
                              serial=serial, ext=ext)


STYLES = {s.name: s for s in (
    Style("sample", "xxgk/ndbg/index.html", "xxgk/ndbg/index_{k}.html",
          "xxgk/ndbg/{ym}/t{ymd}_{serial}.html", "xxgk/ndbg/{ym}/P0{ymd}{serial}.{ext}",
          relative=True),
    Style("trs", "zwgk/xxgkml/ndbg/index.htm", "zwgk/xxgkml/ndbg/index_{k}.htm",
          "zwgk/xxgkml/ndbg/{ym}/t{ymd}_{serial}.htm",
          "zwgk/xxgkml/ndbg/{ym}/P0{ymd}{serial}.{ext}",
          hops=(("zwgk/index.htm", "政府信息公开"),)),
    Style("hanweb", "col/col4471/index.html", "col/col4471/index.html?uid=4471&pageNum={n}",
          "art/{y}/{m}/{d}/art_4471_{serial}.html", "picture/0/{ymd}{serial}.{ext}",
          hops=(("zwgk/index.html", "政务公开"), ("xxgk/index.html", "政府信息公开")),
          column_text="政府信息公开年度报告"),
    Style("php", "index.php?m=content&c=index&a=lists&catid=12",
          "index.php?m=content&c=index&a=lists&catid=12&page={n}",
          "index.php?m=content&c=index&a=show&catid=12&id={serial}",
          "uploadfile/{y}/{md}/{serial}.{ext}",
          hops=(("index.php?m=content&c=index&a=lists&catid=3", "信息公开"),),
          column_text="年度报告"),
    Style("phplist", "html/ndbg/index.html", "html/ndbg/list-{n}.html",
          "html/ndbg/{y}{md}/{serial}.html", "uploadfile/{y}/{md}/{serial}.{ext}",
          hops=(("html/xxgk/index.html", "信息公开"),), column_text="年报"),
    Style("script", "xxgk/nb/index.html", "", "xxgk/nb/content/{ym}/{serial}.html",
          "xxgk/nb/files/{serial}.{ext}", hops=(("xxgk/index.html", "信息公开"),),
          column_text="信息公开年报", json_list="xxgk/nb/data/list_{n}.json"),
    Style("none", hops=(("xxgk/index.html", "政府信息公开"),), has_column=False),
)}

# links beside the way to the column on every hop page (some say 信息公开 / 公开 too)
NOISE = (("jgzn/index.html", "机构职能"), ("zcwj/index.html", "政策文件"),
         ("zcjd/index.html", "政策解读"), ("xxgkzn/index.html", "政府信息公开指南"),
         ("czyjs/index.html", "财政预决算公开"), ("hdjl/index.html", "互动交流"))
