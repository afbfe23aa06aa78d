"""DOCX rendering with python-docx: real merged cells for table headers and row groups; in
some reports the chapter markers (一、 二、…) are Word's automatic numbering, not text."""
from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell

from ..layout import Table
from .model import ReportSpec, TableBlock

FONT = "宋体"


def _east_asian(run_or_style, name: str = FONT) -> None:
    """Set the East Asian font too, or Word falls back to a Latin face for CJK text."""
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def add_table(doc, table: Table) -> None:
    """A Word table whose spans are real merges: gridSpan across, vMerge restart/continue down.

    (Written as the XML Word itself writes, because `_Cell.merge` is quadratic on big tables.)
    """
    out = doc.add_table(rows=table.n_rows, cols=table.n_cols)
    out.style = "Table Grid"
    grid = table.grid()
    for r, row in enumerate(out.rows):
        tcs = list(row._tr.tc_lst)
        for c, owner in enumerate(grid[r]):
            tc = tcs[c]
            if owner is None or owner.col != c:
                if owner is not None:  # covered by a colspan to the left: not a cell of its own
                    row._tr.remove(tc)
                continue
            if owner.colspan > 1:
                tc.grid_span = owner.colspan
            if owner.rowspan > 1:
                tc.vMerge = "restart" if owner.row == r else "continue"
            if owner.row == r:
                _Cell(tc, out).text = owner.text


_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def auto_numbered(spec: ReportSpec) -> bool:
    """Chapters numbered by Word (一、 not in the text): for reports with heading styles whose
    chapters run 一、二、… in order, chosen by the name so earlier seeds' files stay the same."""
    from ..sections import cn_number

    numbers = [m and cn_number(m.group(1)) for m in (_CHAPTER.match(s.heading) for s in spec.sections)]
    return (spec.style.docx_heading_styles and numbers == list(range(1, len(numbers) + 1))
            and zlib.crc32(spec.name.encode()) % 2 == 0)


def chapter_numbering(doc) -> str:
    """Add a one-level chineseCounting list ("%1、") to the document; return its numId."""
    from lxml import etree

    root = doc.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in root.iterchildren(qn("w:abstractNum"))]
    nums = [int(n.get(qn("w:numId"))) for n in root.iterchildren(qn("w:num"))]
    abstract_id, num_id = max(ids, default=0) + 1, max(nums, default=0) + 1
    abstract = etree.fromstring(
        f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>')
    first_num = next(root.iterchildren(qn("w:num")), None)
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum elements come before num elements
    else:
        root.append(abstract)
    root.append(etree.fromstring(f'<w:num xmlns:w="{_W}" w:numId="{num_id}">'
                                 f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return str(num_id)


def _number(paragraph, num_id: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = ppr.makeelement(qn("w:numPr"), {})
    for tag, val in (("w:ilvl", "0"), ("w:numId", num_id)):
        child = num_pr.makeelement(qn(tag), {qn("w:val"): val})
        num_pr.append(child)
    ppr.append(num_pr)


def render(spec: ReportSpec) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    _east_asian(normal)
    normal.font.size = Pt(spec.style.font_size + 1)
    doc.core_properties.title = spec.title.replace(" ", "")
    if spec.style.running_header:  # page header text lives outside the body
        doc.sections[0].header.paragraphs[0].text = spec.agency + "政府信息公开工作年度报告"
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(spec.title)
    run.bold = True
    run.font.size = Pt(18)
    _east_asian(run, "方正小标宋简体" if spec.style.docx_heading_styles else FONT)
    for lead in spec.lead:
        doc.add_paragraph(lead).paragraph_format.first_line_indent = Pt(24)
    num_id = chapter_numbering(doc) if auto_numbered(spec) else None
    for sec in spec.sections:
        if num_id:
            heading = doc.add_heading(_CHAPTER.sub("", sec.heading), level=2)
            _number(heading, num_id)
            _east_asian(heading.runs[0], "黑体")
        elif spec.style.docx_heading_styles:
            _east_asian(doc.add_heading(sec.heading, level=2).runs[0], "黑体")
        else:
            head = doc.add_paragraph()
            head.paragraph_format.first_line_indent = Pt(24)
            head.add_run(sec.heading).bold = True
        for block in sec.blocks:
            if isinstance(block, TableBlock):
                add_table(doc, block.table)
                continue
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(24)
            para.add_run(block.text).bold = block.sub
    for line in (spec.signature, spec.date_text):
        if line:
            doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def stable_zip(data: bytes) -> bytes:
    """The same archive with fixed member timestamps, so a seed always gives the same bytes."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info))
    return out.getvalue()
