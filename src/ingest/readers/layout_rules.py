"""Paragraph starts and page furniture as printed in real reports (config/layout.yaml),
compiled once for every reader that rebuilds paragraphs from lines (PDF, plain text)."""
from __future__ import annotations

import re

from ..settings import load_yaml

LAYOUT = load_yaml("layout.yaml")


def alternatives(key: str) -> str:
    """The regular expressions listed under `key`, joined with |."""
    return "|".join(f"(?:{p})" for p in LAYOUT[key])


MARKER = re.compile(rf"^\s*(?:{alternatives('paragraph_markers')})")  # a chapter or item marker
PAGE_NUMBER = re.compile(rf"^(?:{alternatives('page_numbers')})$", re.IGNORECASE)
CONTINUED = re.compile(rf"^(?:{alternatives('continued_table')})$")  # "(续表)" over a continued table
ZONE = float(LAYOUT["furniture_zone"])  # top and bottom share of the page height where furniture lives
