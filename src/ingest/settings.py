"""Settings in one place: limits, paths and knobs, from config/settings.yaml.

Unknown keys are rejected (a typo in a settings file is an error, not a silent default).
Every stage takes what it needs from a `Settings` instance; `load_settings()` reads the
file once per process.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def config_dir() -> Path:
    """`$INGEST_CONFIG_DIR`, else the repository's `config/`."""
    return Path(os.environ.get("INGEST_CONFIG_DIR", PROJECT_ROOT / "config"))


def models_dir() -> Path:
    return Path(os.environ.get("INGEST_MODELS_DIR", PROJECT_ROOT / "models"))


def output_dir() -> Path:
    return Path(os.environ.get("INGEST_OUTPUT_DIR", PROJECT_ROOT / "output"))


def cache_dir() -> Path | None:
    """Per-user cache of derived files (rebuilt when missing): `$INGEST_CACHE_DIR`, else
    `$XDG_CACHE_HOME/nianbao-ingest`, else `~/.cache/nianbao-ingest`; None when there is no
    home to put it in. An empty `$INGEST_CACHE_DIR` turns the cache off."""
    if "INGEST_CACHE_DIR" in os.environ:
        return Path(os.environ["INGEST_CACHE_DIR"]) if os.environ["INGEST_CACHE_DIR"] else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "nianbao-ingest"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Limits(_Strict):
    """Bounds on every document; a document over any of them is rejected with a reason."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 300
    max_seconds: float = 600.0
    max_memory_mb: int = 3000
    max_image_pixels: int = 40_000_000
    max_unpacked_bytes: int = 200 * 1024 * 1024  # a DOCX package's members, unzipped


class OcrSettings(_Strict):
    enabled: bool = True
    dpi: int = 200
    min_chars_per_page: int = 20  # a page with fewer text-layer chars is treated as an image
    min_outline_points: int = 3000  # ... or, with no image, as text drawn as outlines if its
    #                                 paths have this many points
    max_stamp_chars: int = 80  # a page-sized picture with fewer text characters is a stamped scan
    table_pictures: bool = True  # OCR pictures on text pages that may be pasted tables
    min_picture_share: float = 0.03  # ... when they cover at least this share of the page


class CrawlSettings(_Strict):
    """A run over many sources (per-source politeness is in config/sources.yaml)."""

    max_in_flight: int = Field(32, ge=1)  # requests in flight over all hosts at once


class Settings(_Strict):
    limits: Limits = Field(default_factory=Limits)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    database_url: str | None = None  # default: sqlite:///output/ingest.db


def default_database_url() -> str:
    return os.environ.get("INGEST_DB") or f"sqlite:///{output_dir() / 'ingest.db'}"


# libyaml's loader when the wheel has it: the same result, ~10x faster (cold start)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str):
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def read_settings(path: Path) -> Settings:
    data = _yaml(path.read_text(encoding="utf-8")) if path.exists() else {}
    return Settings.model_validate(data or {})


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    return read_settings(config_dir() / "settings.yaml")


def load_yaml(name: str) -> dict:
    """A data file from config/ (heading spellings, label synonyms, themes...)."""
    return _yaml((config_dir() / name).read_text(encoding="utf-8")) or {}
