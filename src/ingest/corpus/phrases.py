"""The generator's phrase banks and layout variants (config/corpus.yaml), and how to fill them."""
from __future__ import annotations

import random
import re
from functools import lru_cache

from ..settings import load_yaml

_SLOT = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def bank() -> dict:
    """The parsed config/corpus.yaml."""
    return load_yaml("corpus.yaml")


def fill(template: str, ctx: dict) -> str:
    """Given a template with {slots}, return it with each slot replaced from ctx."""
    return _SLOT.sub(lambda m: str(ctx[m.group(1)]), template)


def pick(rng: random.Random, key: str, ctx: dict | None = None) -> str:
    """One filled entry of a top-level bank list."""
    return fill(rng.choice(bank()[key]), ctx or {})


def self_reference(agency: str) -> list[str]:
    """我局 / 我镇 / 本机关…: how an agency refers to itself, by the ending of its name."""
    refs = bank()["self_reference"]
    for suffix in sorted(refs, key=len, reverse=True):
        if suffix != "default" and agency.endswith(suffix):
            return refs[suffix]
    return refs["default"]
