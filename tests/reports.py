"""Small report texts for tests: a 2021-template report as lines, and renderings of it."""
from __future__ import annotations

from io import BytesIO

APPLICANT_HEADER = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def report_lines(agency: str = "青禾县市场监督管理局", year: int = 2023) -> list[str | list[str]]:
    """A short 2021-template report; a list item is a table row."""
    return [
        f"{agency}{year}年政府信息公开工作年度报告",
        f"本报告根据《中华人民共和国政府信息公开条例》编制，数据统计期限为{year}年1月1日至12月31日。",
        "一、总体情况",
        f"{year}年，本局通过门户网站主动公开信息86条，及时回应群众关切。",
        "二、主动公开政府信息情况",
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "2", "1", "9"],
        "三、收到和处理政府信息公开申请情况",
        ["项目", *APPLICANT_HEADER],
        ["一、本年新收政府信息公开申请数量", "4", "1", "0", "0", "0", "0", "5"],
        ["二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"],
        ["（一）予以公开", "3", "1", "0", "0", "0", "0", "4"],
        ["（七）总计", "3", "1", "0", "0", "0", "0", "4"],
        ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"],
        "四、政府信息公开行政复议、行政诉讼情况",
        "本年度未发生行政复议、行政诉讼。",
        "五、存在的主要问题及改进情况",
        "一是信息发布不够及时。二是业务培训开展不足。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
        agency,
        f"{year + 1}年1月15日",
    ]


def as_text(lines) -> str:
    return "\n\n".join("\t".join(x) if isinstance(x, list) else x for x in lines) + "\n"


def as_html(lines, charset: str = "utf-8") -> bytes:
    body, rows = [], []
    for x in lines + [""]:
        if isinstance(x, list):
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in x) + "</tr>")
            continue
        if rows:
            body.append("<table border='1'>" + "".join(rows) + "</table>")
            rows = []
        if x:
            body.append(f"<p>{x}</p>")
    title = lines[0]
    page = (f"<html><head><meta charset='{charset}'><title>{title}</title></head><body>"
            "<div class='top-nav'><a href='/'>首页</a><a href='/xxgk'>信息公开</a></div>"
            "<div class='crumb'>当前位置：首页 &gt; 政府信息公开年报</div>"
            f"<div class='article'><h1>{title}</h1><div class='info'>字号：大 中 小 【打印】</div>"
            f"<div class='content'>{''.join(body[1:])}</div></div>"
            "<div class='footer'>主办单位：青禾县人民政府办公室 备案号：X ICP备00000000号</div></body></html>")
    return page.encode(charset)


def as_docx(lines) -> bytes:
    from docx import Document

    doc = Document()
    table = None
    for x in lines:
        if isinstance(x, list):
            if table is None:
                table = doc.add_table(rows=0, cols=len(x))
            cells = table.add_row().cells
            for cell, text in zip(cells, x):
                cell.text = text
            continue
        table = None
        doc.add_paragraph(x)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()
