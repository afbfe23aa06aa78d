"""A batch of generated reports: render each in one of the requested formats and build its gold."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Iterator

import pypdfium2 as pdfium

from ..record import Record
from . import build, compose, render_docx, render_html, render_pdf, render_scan, render_txt
from .model import ReportSpec

PDF, HTML, DOCX, TXT = ("application/pdf", "text/html",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/plain")
# format -> (renderer, media type, file extension)
FORMATS: dict[str, tuple[Callable[[ReportSpec], bytes], str, str]] = {
    "pdf": (render_pdf.render, PDF, ".pdf"),
    "html": (render_html.render, HTML, ".html"),
    "docx": (render_docx.render, DOCX, ".docx"),
    "txt": (render_txt.render, TXT, ".txt"),
    "scan": (render_scan.render, PDF, ".pdf"),
}
DEFAULT_FORMATS = ("pdf", "html", "docx", "txt")


@dataclass
class Generated:
    name: str          # file stem, also the gold file's stem
    fmt: str
    filename: str
    data: bytes
    spec: ReportSpec
    record: Record


def pdf_pages(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def render(spec: ReportSpec, fmt: str, filename: str | None = None) -> Generated:
    """Given a spec and a format, return the document and its gold record."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    renderer, media_type, ext = FORMATS[fmt]
    data = renderer(spec)
    filename = filename or spec.name + ext
    pages = pdf_pages(data) if media_type == PDF else None
    return Generated(spec.name, fmt, filename, data, spec, build.gold_record(spec, data, filename, media_type, pages))


def specs(n: int, seed: int = 0, prefix: str = "gen") -> Iterator[ReportSpec]:
    """n report specs; the same seed always gives the same reports."""
    for i in range(n):
        name = f"{prefix}{i + 1:03d}"
        yield compose.report(random.Random(f"{seed}:{name}"), name)


def generate(n: int, seed: int = 0, formats: tuple[str, ...] = DEFAULT_FORMATS,
             prefix: str = "gen") -> Iterator[Generated]:
    """n documents, formats assigned in turn; names are <prefix><i>-<format>."""
    for i, spec in enumerate(specs(n, seed, prefix)):
        fmt = formats[i % len(formats)]
        spec.name = f"{spec.name}-{fmt}"
        yield render(spec, fmt)
