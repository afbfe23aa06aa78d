"""`output/report.html`: a self-contained page (inline SVG, no scripts, no network) with
theme frequencies, the theme × year heatmap, request volumes and failed checks of a store.

The chart helpers here (bars, lines, heatmap) are also used by `ingest serve`'s pages (web.py).
"""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from pathlib import Path

from . import analysis

MAX_ROWS = 200  # failed checks listed in the page; `ingest checks --failed` has them all
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
STYLE = """body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:2em;
color:#222;max-width:1100px}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:left}svg text{font-size:12px}.muted{color:#777}"""


def bar_chart(items: list[tuple[str, float]], title: str, width: int = 760) -> str:
    """A horizontal bar chart of (label, value) pairs as an inline <svg>."""
    if not items:
        return f'<p class="muted">{escape(title)}: no data</p>'
    label_w, bar_h, top = 260, 22, 28
    top_value = max(v for _, v in items) or 1
    height = top + bar_h * len(items) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" aria-label="{escape(title)}">',
             f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = top + i * bar_h
        w = (width - label_w - 70) * value / top_value
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
                     f'{escape(str(label))}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" '
                     f'fill="{PALETTE[0]}"><title>{escape(str(label))}: {value:g}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(series: dict[str, list[tuple[int, float]]], title: str, width: int = 760,
               height: int = 320, percent: bool = True) -> str:
    """A line chart (one line per series of (x, y) points) with a legend, as inline <svg>."""
    xs = sorted({x for points in series.values() for x, _ in points})
    if not xs:
        return f'<p class="muted">{escape(title)}: no data</p>'
    left, right, top, bottom = 50, 230, 30, 30
    y_max = max((y for points in series.values() for _, y in points), default=0) or 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: int) -> float:
        return left + (plot_w * xs.index(x) / (len(xs) - 1) if len(xs) > 1 else plot_w / 2)

    def py(y: float) -> float:
        return top + plot_h * (1 - y / y_max)

    fmt = (lambda v: f"{100 * v:.0f}%") if percent else (lambda v: f"{v:g}")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" aria-label="{escape(title)}">',
             f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
             f'stroke="#999"/><text x="{left - 6}" y="{top + 4}" text-anchor="end">'
             f'{fmt(y_max)}</text><text x="{left - 6}" y="{top + plot_h}" '
             f'text-anchor="end">{fmt(0)}</text>']
    parts += [f'<text x="{px(x):.1f}" y="{height - 10}" text-anchor="middle">{x}</text>'
              for x in xs]
    for i, (name, points) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(points))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{coords}"><title>{escape(name)}</title></polyline>')
        parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}">'
                  f'<title>{escape(name)} {x}: {fmt(y)}</title></circle>' for x, y in points]
        ly = top + 14 * i
        parts.append(f'<rect x="{width - right + 12}" y="{ly}" width="10" height="10" '
                     f'fill="{colour}"/><text x="{width - right + 26}" y="{ly + 9}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap(rows: list[dict], columns: list[str], title: str, percent: bool = True) -> str:
    """Rows (each with a `name`) × columns of values in 0..1 as an HTML table, each cell
    shaded by its value: theme × year shares instead of overlapping lines."""
    if not rows or not columns:
        return f'<p class="muted">{escape(title)}: no data</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            v = float(row.get(c) or 0)
            text = (f"{100 * v:.0f}%" if v else "") if percent else ("●" if v else "")
            colour = "#fff" if v > 0.55 else "#222"
            cells.append(f'<td class="heat" data-share="{v:g}" title="{escape(row["name"])} {c}: '
                         f'{100 * v:.0f}%" style="background:rgba(78,121,167,{v:.2f});'
                         f'color:{colour};text-align:center">{text}</td>')
        body.append(f'<tr><th class="heat-label">{escape(row["name"])}</th>{"".join(cells)}</tr>')
    return (f'<table class="heatmap" aria-label="{escape(title)}"><caption>{escape(title)}'
            f'</caption><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def html_table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape('' if r.get(c) is None else str(r[c]))}</td>"
                                    for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(store) -> str:
    """The report page for a store, as one HTML string."""
    trends = analysis.theme_trends(store)
    volumes = analysis.request_volumes(store)
    failed = analysis.failed_checks(store)
    statuses: dict[str, int] = {}
    for doc in store.documents():
        statuses[doc["status"]] = statuses.get(doc["status"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "no documents"
    by_rule: dict[str, int] = {}
    for row in failed:
        by_rule[row["rule"]] = by_rule.get(row["rule"], 0) + 1
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "".join([
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>政府信息公开年度报告 — ingest report</title><style>{STYLE}</style></head><body>",
        f"<h1>政府信息公开工作年度报告：入库概况</h1><p>{escape(summary)} · {stamp}</p>",
        "<h2>问题主题出现频次 Theme frequencies (problem statements)</h2>",
        bar_chart([(r["name"], r["statements"]) for r in trends], "problem statements per theme"),
        "<h2>主题趋势 Theme trends (theme × year, share of each year's reports)</h2>",
        heatmap(*analysis.themes_pivot(store), "share of reports mentioning each theme"),
        html_table(trends, ["name", "statements", "trend_pp"]),
        "<h2>依申请数量 Request volumes (新收申请 per year)</h2>",
        bar_chart([(str(r["year"]), r["new_requests"]) for r in volumes], "new requests received"),
        "<h2>勾稽关系不符 Failed checks</h2>",
        bar_chart(sorted(by_rule.items()), "failed checks per rule"),
        html_table(failed[:MAX_ROWS], ["agency", "year", "rule", "detail"]),
        f'<p class="muted">… and {len(failed) - MAX_ROWS} more (ingest checks --failed)</p>'
        if len(failed) > MAX_ROWS else "",
        "</body></html>"])


def write_report(store, path: str | Path | None = None) -> Path:
    """Write the report for `store` to `path` (default output/report.html); return the path."""
    from .settings import output_dir

    path = Path(path) if path is not None else output_dir() / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(store), encoding="utf-8")
    return path
