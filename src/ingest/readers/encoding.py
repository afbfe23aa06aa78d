"""Bytes -> str for text formats: BOM, valid UTF-8, declared charset, then detection.

Chinese portals still serve GBK and GB18030; GB18030 is a superset of GBK and GB2312,
so either declared name decodes as GB18030.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ..errors import InvalidInput

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz-gb-2312"}


def normalise_charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("'\"").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode `data`, trusting a BOM, then UTF-8 when the bytes are valid UTF-8 with
    multi-byte characters (a page still declaring gb2312 after its CMS moved to UTF-8; Chinese
    GBK text is practically never valid UTF-8), then the declared charset, then detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for enc in filter(None, (normalise_charset(declared), "utf-8")):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    enc = normalise_charset(best.encoding) if best else None
    for candidate in filter(None, (enc, "gb18030")):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("cannot decode the text: not UTF-8, GB18030 or a detectable charset")
