"""Extract stage: bytes -> Layout.

`sniff(data, name)` decides the media type from the bytes (never from a Content-Type or a
file name alone); `read(data, media_type, settings)` hands the bytes to the reader
registered for that type. A reader is `(bytes, Settings) -> Layout` and raises
`InvalidInput` with a one-line reason for anything it cannot read.
"""
from __future__ import annotations

import importlib
import re
import zipfile
from io import BytesIO
from typing import Callable

from ..errors import InvalidInput
from ..layout import Layout
from ..settings import Settings

PDF = "application/pdf"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
DOC = "application/msword"
WPS = "application/vnd.ms-works"

# media type -> "module:function", imported on first use so `ingest parse` of a text file
# never pays for pdfplumber or OCR.
READERS: dict[str, str] = {
    PDF: "ingest.readers.pdf:read_pdf",
    HTML: "ingest.readers.html:read_html",
    DOCX: "ingest.readers.docx:read_docx",
    TEXT: "ingest.readers.text:read_text",
    DOC: "ingest.readers.office:read_legacy",   # through LibreOffice, when installed
    WPS: "ingest.readers.office:read_legacy",
}

Reader = Callable[[bytes, Settings], Layout]


def sniff(data: bytes, name: str = "") -> str:
    """The media type of `data`, judged by its bytes; the name only breaks ties for text."""
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "application/zip"
        return DOCX if "word/document.xml" in names else "application/zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return WPS if name.lower().endswith(".wps") else DOC
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return HTML
    if _is_fragment(head):
        return HTML
    if _looks_like_text(data):
        return TEXT
    return "application/octet-stream"


# file name endings that promise a binary document format
DECLARED = {".pdf": PDF, ".docx": DOCX}


def check_declared(media_type: str, name: str) -> None:
    """A file named .pdf/.docx must hold that format (an HTML error page saved as .pdf does not)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    declared = DECLARED.get(suffix)
    if declared and media_type != declared:
        found = {HTML: "an HTML page", TEXT: "plain text"}.get(media_type, media_type)
        raise InvalidInput(f"named {suffix} but holds {found}, not a {suffix[1:].upper()} file")


# an article fragment (a CMS's body HTML alone: no <html>, <head> or charset) opens with a
# block tag or holds several of them
_FRAGMENT_OPEN = re.compile(rb"^<(?:p|div|table|h[1-6]|span|font|section|article|center|br)\b", re.I)
_BLOCK_TAG = re.compile(rb"</?(?:p|div|table|tr|td|br|h[1-6])\b[^>]*>", re.I)


def _is_fragment(head: bytes) -> bool:
    return bool(_FRAGMENT_OPEN.match(head)) or len(_BLOCK_TAG.findall(head)) >= 6


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    if not sample.strip() or b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) < 0.01


def reader_for(media_type: str) -> Reader:
    target = READERS.get(media_type)
    if target is None:
        raise InvalidInput(f"unsupported document type {media_type}")
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)


def read(data: bytes, media_type: str, settings: Settings) -> Layout:
    layout = reader_for(media_type)(data, settings)
    layout.media_type = media_type
    return layout
