"""Agency identity: which stored reports come from the same agency, whatever the name printed.

An agency publishes under names that change over the years (平潭综合实验区 / 平潭综合实验区管委会;
洪泽区人民政府 / 淮安市洪泽区人民政府; a 局 renamed after an institutional reform). `parse(name)`
splits a name into its place units (config/agency_levels.yaml `units`) and its organ, normalised
through config/agency_aliases.yaml; `agency_key(name)` is the lowest place unit + the organ, and
`level(name)` the unit's level (province … street) or that level's department.
`resolve_keys(names)` adds the parent unit to a key only where two parents of the same lowest
unit occur among the names given (two 石桥镇 in two counties stay two agencies).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .settings import load_yaml

LEVELS = ("province", "city", "county", "township", "street")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇",
               "street": "街道", "department": "部门"}
# a place unit never contains these (人民政府石桥街道 is not a place)
NOT_IN_UNIT = re.compile(r"政府|委员会|局|厅|办|院|会|所|中心|队|处")


@dataclass(frozen=True)
class Name:
    """A parsed agency name: place units top-down with their levels, and the organ key."""

    units: tuple[tuple[str, str], ...]  # ((淮安市, city), (洪泽区, county))
    organ: str                          # 人民政府 | 人民政府办公室 | 教育局 …

    @property
    def base_key(self) -> str:
        return (self.units[-1][0] if self.units else "") + self.organ

    @property
    def parent(self) -> str | None:
        return self.units[-2][0] if len(self.units) > 1 else None

    @property
    def level(self) -> str:
        if not self.units:
            return "department"
        lowest = self.units[-1][1]
        return lowest if self.organ == _aliases()["government_key"] else f"{lowest}_department"


@lru_cache(maxsize=1)
def _aliases() -> dict:
    return load_yaml("agency_aliases.yaml")


@lru_cache(maxsize=1)
def _unit_rules() -> tuple[re.Pattern, dict[str, str], tuple[str, ...], tuple[str, ...]]:
    """(unit pattern, suffix -> level, ignored words, endings of no place)."""
    data = load_yaml("agency_levels.yaml")
    level_of = {s: lv for lv, suffixes in data["units"].items() for s in suffixes}
    suffixes = "|".join(map(re.escape, sorted(level_of, key=len, reverse=True)))
    pattern = re.compile(rf"(.{{1,9}}?)({suffixes})")
    return (pattern, level_of, tuple(data.get("ignore") or ()),
            tuple(data.get("not_place_endings") or ()))


def _not_a_place(text: str, start: int, end: int) -> bool:
    """A unit candidate text[start:end] that is an ignored word (城市 of 城市管理局), whose
    suffix begins one (市 of 市场监督管理局) or that ends like no place does (住房和城乡)."""
    _, _, ignore, endings = _unit_rules()
    unit = text[start:end]
    return unit in ignore or unit.endswith(endings) or any(
        text.startswith(w, k) and k + len(w) > end for w in ignore for k in range(start, end))


def _place_at(text: str, pos: int) -> bool:
    """A place unit (not an organ word, not an ignored word) starts at text[pos]."""
    m = _unit_rules()[0].match(text, pos)
    return bool(m) and not NOT_IN_UNIT.search(m.group(1)) and not _not_a_place(text, pos, m.end())


def clean(name: str | None) -> str:
    """NFKC (full-width letters, digits, brackets -> ASCII) without any whitespace."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(text.split())
    return (_aliases().get("names") or {}).get(text, text)


def _organ_key(organ: str) -> str:
    aliases = _aliases()
    organ = organ.strip("()（）")
    if not organ or organ in aliases["government"]:
        return aliases["government_key"]
    if organ in aliases["government_office"]:
        return aliases["government_office_key"]
    return (aliases.get("organs") or {}).get(organ, organ)


@lru_cache(maxsize=4096)
def parse(name: str | None) -> Name:
    """Given an agency name as printed, return its place units and normalised organ."""
    text = clean(name)
    pattern, level_of, _, _ = _unit_rules()
    municipalities = set(_aliases().get("municipalities") or [])
    units: list[tuple[str, str]] = []
    pos = 0
    while True:
        m = pattern.match(text, pos)
        if units and (not m or NOT_IN_UNIT.search(m.group(1))):  # 县人民政府 + 石桥街道办事处
            skip = next((w for w in _aliases().get("between_units") or ()
                         if text.startswith(w, pos) and _place_at(text, pos + len(w))), None)
            if skip:
                pos += len(skip)
                continue
        if not m or NOT_IN_UNIT.search(m.group(1)) or _not_a_place(text, pos, m.end()):
            break
        end, suffix = m.end(), m.group(2)
        while end < len(text) and text[end] in "市县区" and not _not_a_place(text, pos, end + 1):
            suffix, end = text[end], end + 1  # 杭州+市, 沙市+区: one unit
        unit = text[pos:end]
        units.append((unit, "province" if unit in municipalities else level_of[suffix]))
        pos = end
    return Name(units=tuple(units), organ=_organ_key(text[pos:]))


def agency_key(name: str | None) -> str | None:
    """The key of the agency a name stands for (lowest place unit + organ), None for no name."""
    return parse(name).base_key if clean(name) else None


def level(name: str | None) -> str:
    """province | city | county | township | street, or `<one of them>_department`, or
    `department` for an organ named without a place."""
    return parse(name).level


def level_label(level_id: str) -> str:
    """省级, 县级部门 … for a level id."""
    base, _, dept = level_id.partition("_")
    return LEVEL_NAMES.get(base, base) + ("部门" if dept else "")


def resolve_keys(names) -> dict[str, str]:
    """{name: key} for names that may share a lowest unit: where one base key is seen under
    two or more different parent units, each name with a parent gets `parent + key`."""
    parsed = {n: parse(n) for n in names if clean(n)}
    parents: dict[str, set[str]] = {}
    for p in parsed.values():
        if p.parent:
            parents.setdefault(p.base_key, set()).add(p.parent)
    out = {}
    for name, p in parsed.items():
        split = len(parents.get(p.base_key, ())) > 1 and p.parent
        out[name] = p.parent + p.base_key if split else p.base_key
    return out
