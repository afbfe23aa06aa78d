"""Table numbers and grids: canonical values that obey the report identities, how they print,
and the merged-cell grids of the 2021 and 2019 templates.

`make_tables(rng, template, scale)` returns values, printed cell text and layout grids;
`break_identity` perturbs one printed number the way real reports go wrong.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..layout import Cell, Table

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
COLUMNS = APPLICANTS + ("total",)
APPLICANT_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# (row key, group label or None, item label); group rows share a rowspan cell.
RESULT_ROWS_2021 = [
    ("granted", None, "（一）予以公开"),
    ("partially_granted", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied.prohibited_by_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied.safety_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied.third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied.process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("denied.enforcement_files", "（三）不予公开", "7.属于行政执法案卷"),
    ("denied.inquiry", "（三）不予公开", "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable.unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed.petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed.repeated", "（五）不予处理", "2.重复申请"),
    ("not_processed.publications", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed.excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed.confirm", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_handling.no_correction", "（六）其他处理",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_handling.unpaid_fee", "（六）其他处理",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_handling.other", "（六）其他处理", "3.其他"),
]
RESULT_ROWS_2019 = RESULT_ROWS_2021[:18] + [("other_handling", None, "（六）其他处理")]
# How often each result row takes a share of the handled requests.
RESULT_WEIGHTS = {"granted": 40, "partially_granted": 8, "unable.not_held": 18, "not_processed.repeated": 3,
                  "not_processed.petition": 3, "denied.process_info": 2, "denied.third_party": 2,
                  "denied.internal_affairs": 2, "unable.unclear": 3, "unable.needs_creation": 2,
                  "other_handling.other": 3, "other_handling": 4, "other_handling.no_correction": 2}
ZERO_STYLES = ("0", "0", "0", "0", "", "—", "/", "无")
BREAKS = ("carried_forward_off", "result_not_in_total", "wrong_row_total", "review_total")


@dataclass
class Printer:
    """How one report prints its numbers: its zero style, and amounts in 万元."""

    zero: str = "0"
    yuan: bool = False  # print amounts as 251000元 instead of 25.1
    thousands: bool = False  # 13,217

    def count(self, value: float) -> str:
        if value == 0:
            return self.zero
        return f"{int(value):,}" if self.thousands else str(int(value))

    def amount(self, value: float) -> str:
        if value == 0:
            return self.zero
        if self.yuan:
            return f"{round(value * 10000)}元"
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# ---------------------------------------------------------------- values
def _split(rng: random.Random, total: int, keys: list[str], weights: list[float]) -> dict[str, int]:
    """Given a total, return it spread over keys by weight (every unit drawn independently)."""
    out = dict.fromkeys(keys, 0)
    for key in rng.choices(keys, weights=weights, k=total):
        out[key] += 1
    return out


def requests_values(rng: random.Random, template: str, scale: int) -> dict[str, dict[str, float]]:
    """The requests table, balanced: new + carried_over = results_total + carried_forward per column."""
    rows = RESULT_ROWS_2021 if template == "2021" else RESULT_ROWS_2019
    result_keys = [r[0] for r in rows]
    weights = [RESULT_WEIGHTS.get(k, 0.25) for k in result_keys]
    col_weights = [70, 18, 1.5, 2, 3, 5.5]
    new_total = 0 if scale == 0 else rng.randint(0, scale)
    new = _split(rng, new_total, list(APPLICANTS), col_weights)
    carried = _split(rng, rng.randint(0, max(0, new_total // 12)) if new_total else 0, list(APPLICANTS), col_weights)
    table: dict[str, dict[str, float]] = {k: dict.fromkeys(APPLICANTS, 0) for k in
                                          ["new_received", "carried_over", *result_keys,
                                           "results_total", "carried_forward"]}
    for col in APPLICANTS:
        supply = new[col] + carried[col]
        forward = rng.randint(0, min(supply, 2)) if supply and rng.random() < 0.3 else 0
        table["new_received"][col] = new[col]
        table["carried_over"][col] = carried[col]
        table["carried_forward"][col] = forward
        spread = _split(rng, supply - forward, result_keys, weights)
        for key, val in spread.items():
            table[key][col] = val
        table["results_total"][col] = supply - forward
    for row in table.values():
        row["total"] = sum(row[c] for c in APPLICANTS)
    return table


def review_values(rng: random.Random, scale: int) -> dict[str, dict[str, float]]:
    out = {}
    for group, share in (("review", 0.08), ("litigation_direct", 0.04), ("litigation_after_review", 0.02)):
        n = rng.randint(0, max(0, int(scale * share))) if scale and rng.random() < 0.5 else 0
        vals = _split(rng, n, ["upheld", "corrected", "other", "pending"], [70, 8, 12, 10])
        vals["total"] = n
        out[group] = {k: float(v) for k, v in vals.items()}
    return out


def _amount(rng: random.Random, high: float) -> float:
    return 0.0 if rng.random() < 0.6 else round(rng.uniform(0.1, high), rng.choice((0, 1, 2, 2)))


def proactive_2021(rng: random.Random, scale: int) -> dict[str, dict[str, float]]:
    big = scale >= 200
    made = rng.randint(0, 3) if big and rng.random() < 0.5 else 0
    docs_made = rng.randint(0, 25 if big else 6)
    return {
        "rules": {"made": made, "repealed": rng.randint(0, made), "in_force": made + (rng.randint(5, 90) if big else 0)},
        "normative_documents": {"made": docs_made, "repealed": rng.randint(0, docs_made),
                                "in_force": docs_made + rng.randint(0, 200 if big else 15)},
        "licensing": {"decisions": rng.choice((0, rng.randint(1, 40), rng.randint(50, 20000)))},
        "punishment": {"decisions": rng.choice((0, rng.randint(1, 60), rng.randint(100, 9000)))},
        "coercion": {"decisions": rng.choice((0, 0, rng.randint(1, 300)))},
        "fees": {"amount": _amount(rng, 3000)},
    }


def proactive_2019(rng: random.Random, scale: int) -> dict[str, dict[str, float]]:
    def matters() -> dict[str, float]:
        prev = rng.choice((0, rng.randint(1, 300)))
        return {"prev_year": prev, "change": rng.randint(-min(prev, 5), 8), "decisions": rng.choice((0, rng.randint(1, 3000)))}
    new = rng.randint(0, 12)
    return {
        "rules": {"new_made": 0, "new_published": 0, "total_published": rng.choice((0, rng.randint(1, 40)))},
        "normative_documents": {"new_made": new, "new_published": rng.randint(0, new),
                                "total_published": new + rng.randint(0, 120)},
        "licensing": matters(), "other_services": matters(), "punishment": matters(), "coercion": matters(),
        "fees": {"prev_year": rng.randint(0, 6), "change": rng.randint(-1, 2)},
        "procurement": {"items": rng.randint(0, 30), "amount": _amount(rng, 800)},
    }


def break_identity(rng: random.Random, tables: dict, kind: str) -> None:
    """Perturb one printed number so one identity fails, as in real reports (in place)."""
    req, review = tables["requests"], tables["review_litigation"]
    col = rng.choice(APPLICANTS[:2])
    if kind == "carried_forward_off":
        req["carried_forward"][col] += 1
        req["carried_forward"]["total"] += 1
    elif kind == "result_not_in_total":
        row = rng.choice(["granted", "unable.not_held", "partially_granted"])
        req[row][col] += 1
        req[row]["total"] += 1
    elif kind == "wrong_row_total":
        row = rng.choice(["granted", "unable.not_held", "new_received"])
        req[row]["total"] += rng.choice((1, 2, -1)) if req[row]["total"] else 1
    else:
        review[rng.choice(list(review))]["total"] += 1


# ---------------------------------------------------------------- grids
def _text_rows(values: dict[str, dict[str, float]], rows: list[str], cols: tuple[str, ...],
               fmt) -> dict[str, dict[str, str]]:
    return {r: {c: fmt(values[r][c]) for c in cols} for r in rows}


def requests_grid(values: dict, template: str, printer: Printer) -> tuple[Table, dict]:
    """The 25- (2021) or 23-row (2019) requests table with its merged header and groups."""
    rows = RESULT_ROWS_2021 if template == "2021" else RESULT_ROWS_2019
    cells = [Cell(0, 0, NOTE, rowspan=3, colspan=3), Cell(0, 3, "申请人情况", colspan=7),
             Cell(1, 3, "自然人", rowspan=2), Cell(1, 4, "法人或其他组织", colspan=5), Cell(1, 9, "总计", rowspan=2)]
    cells += [Cell(2, 4 + i, label) for i, label in enumerate(APPLICANT_LABELS[1:])]
    text = _text_rows(values, list(values), COLUMNS, printer.count)

    def numbers(r: int, key: str) -> None:
        cells.extend(Cell(r, 3 + i, text[key][c]) for i, c in enumerate(COLUMNS))

    r = 3
    for key, label in (("new_received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量")):
        cells.append(Cell(r, 0, label, colspan=3))
        numbers(r, key)
        r += 1
    cells.append(Cell(r, 0, "三、本年度办理结果", rowspan=len(rows) + 1))
    group_start: dict[str, int] = {}
    for key, group, label in rows:
        if group is None:
            cells.append(Cell(r, 1, label, colspan=2))
        else:
            if group not in group_start:
                group_start[group] = r
                span = sum(1 for row in rows if row[1] == group)
                cells.append(Cell(r, 1, group, rowspan=span))
            cells.append(Cell(r, 2, label))
        numbers(r, key)
        r += 1
    cells.append(Cell(r, 1, "（七）总计", colspan=2))
    numbers(r, "results_total")
    r += 1
    cells.append(Cell(r, 0, "四、结转下年度继续办理", colspan=3))
    numbers(r, "carried_forward")
    return Table(cells), text


REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def review_grid(values: dict, printer: Printer) -> tuple[Table, dict]:
    cells = [Cell(0, 0, "行政复议", colspan=5), Cell(0, 5, "行政诉讼", colspan=10)]
    cells += [Cell(1, i, label, rowspan=2) for i, label in enumerate(REVIEW_LABELS)]
    cells += [Cell(1, 5, "未经复议直接起诉", colspan=5), Cell(1, 10, "复议后起诉", colspan=5)]
    cells += [Cell(2, 5 + i, REVIEW_LABELS[i % 5]) for i in range(10)]
    text = _text_rows(values, list(values), REVIEW_COLS, printer.count)
    for g, group in enumerate(("review", "litigation_direct", "litigation_after_review")):
        cells += [Cell(3, g * 5 + i, text[group][c]) for i, c in enumerate(REVIEW_COLS)]
    return Table(cells), text


def proactive_grid(values: dict, template: str, printer: Printer, rng: random.Random) -> tuple[Table, dict]:
    """The 第二十条 blocks: a 4-column grid whose one-value rows span three columns."""
    cells: list[Cell] = []
    text: dict[str, dict[str, str]] = {}
    r = 0

    def band(title: str, header: list[str], spans: list[int]) -> None:
        nonlocal r
        cells.append(Cell(r, 0, title, colspan=4))
        r += 1
        _row(header, spans)

    def _row(items: list[str], spans: list[int]) -> None:
        nonlocal r
        c = 0
        for item, span in zip(items, spans):
            cells.append(Cell(r, c, item, colspan=span))
            c += span
        r += 1

    def data(label: str, key: str, cols: list[str], spans: list[int]) -> None:
        fmt = [printer.amount if col == "amount" else printer.count for col in cols]
        text[key] = {col: f(values[key][col]) for col, f in zip(cols, fmt)}
        _row([label] + [text[key][c] for c in cols], [1] + spans)

    if template == "2021":
        docs = rng.choice(("行政规范性文件", "行政规范性文件", "规范性文件"))
        band("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], [1, 1, 1, 1])
        data("规章", "rules", ["made", "repealed", "in_force"], [1, 1, 1])
        data(docs, "normative_documents", ["made", "repealed", "in_force"], [1, 1, 1])
        band("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [1, 3])
        data("行政许可", "licensing", ["decisions"], [3])
        band("第二十条第（六）项", ["信息内容", "本年处理决定数量"], [1, 3])
        data("行政处罚", "punishment", ["decisions"], [3])
        data("行政强制", "coercion", ["decisions"], [3])
        band("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], [1, 3])
        data("行政事业性收费", "fees", ["amount"], [3])
    else:
        three = ["prev_year", "change", "decisions"]
        band("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], [1, 1, 1, 1])
        data("规章", "rules", ["new_made", "new_published", "total_published"], [1, 1, 1])
        data("规范性文件", "normative_documents", ["new_made", "new_published", "total_published"], [1, 1, 1])
        band("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], [1, 1, 1, 1])
        data("行政许可", "licensing", three, [1, 1, 1])
        data("其他对外管理服务事项", "other_services", three, [1, 1, 1])
        band("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], [1, 1, 1, 1])
        data("行政处罚", "punishment", three, [1, 1, 1])
        data("行政强制", "coercion", three, [1, 1, 1])
        band("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [1, 1, 2])
        data("行政事业性收费", "fees", ["prev_year", "change"], [1, 2])
        band("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], [1, 1, 2])
        data("政府集中采购", "procurement", ["items", "amount"], [1, 2])
    return Table(cells), text


def make_tables(rng: random.Random, template: str, scale: int, printer: Printer,
                broken: str | None) -> tuple[dict, dict, dict[str, Table]]:
    """Values (as printed, identities possibly broken), printed text and grids of one report."""
    proactive = proactive_2021(rng, scale) if template == "2021" else proactive_2019(rng, scale)
    values = {"proactive": proactive, "requests": requests_values(rng, template, scale),
              "review_litigation": review_values(rng, scale)}
    if broken:
        break_identity(rng, values, broken)
    grids, text = {}, {}
    grids["proactive"], text["proactive"] = proactive_grid(proactive, template, printer, rng)
    grids["requests"], text["requests"] = requests_grid(values["requests"], template, printer)
    grids["review_litigation"], text["review_litigation"] = review_grid(values["review_litigation"], printer)
    as_float = {t: {r: {c: float(v) for c, v in cols.items()} for r, cols in rows.items()} for t, rows in values.items()}
    return as_float, text, grids


# The 2014–2018 "政府信息公开情况统计表" some legacy reports append: a 指标/单位/数量 list,
# not one of the record's standard tables (a legacy record's tables stay null).
LEGACY_STATS = (
    ("一、主动公开情况", "", None), ("（一）主动公开政府信息数", "条", 3000), ("其中：主动公开规范性文件数", "条", 40),
    ("（二）通过不同渠道和方式公开政府信息的情况", "", None), ("1.政府公报公开政府信息数", "条", 60),
    ("2.政府网站公开政府信息数", "条", 2500), ("3.政务微博公开政府信息数", "条", 600),
    ("二、依申请公开情况", "", None), ("（一）收到申请数", "件", 80), ("其中：1.当面申请数", "件", 20),
    ("2.网络申请数", "件", 50), ("（二）申请办结数", "件", 80), ("三、行政复议数量", "件", 3),
    ("四、行政诉讼数量", "件", 2), ("五、依申请公开信息收取的费用", "万元", 0),
    ("六、政府信息公开专职人员数", "人", 5), ("七、召开政府信息公开工作会议或专题会议数", "次", 6),
)


def legacy_stats_grid(rng: random.Random, ctx: dict) -> Table:
    """A 指标/单位/数量 table with plausible numbers; group rows span the whole width."""
    cells = [Cell(0, 0, "统计指标"), Cell(0, 1, "单位"), Cell(0, 2, "统计数")]
    for r, (label, unit, high) in enumerate(LEGACY_STATS, start=1):
        if high is None:
            cells.append(Cell(r, 0, label, colspan=3))
            continue
        value = ctx["r"] if label == "（一）收到申请数" else rng.randint(0, high)
        cells += [Cell(r, 0, label), Cell(r, 1, unit), Cell(r, 2, str(value))]
    return Table(cells)
