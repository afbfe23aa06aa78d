"""Generated series: agencies reporting across consecutive years under changing names, with the
carry-over between years kept or broken and prose totals that agree with the tables or not.

`series(seed)` returns `SeriesDoc`s: each a `ReportSpec` (compose.report with the agency and
year fixed) plus what the store should find: the agency key all of that agency's names share,
whether the carry-over from the year before is broken (year N's 结转下年度 ≠ year N+1's 上年结转)
and whether a prose total of the report's own scope disagrees with its table. Other agencies
are mixed in that must not merge: the same organ in another county, two towns of one name in
two counties. `python -m ingest.corpus.series --out DIR` writes the documents and a manifest.
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

from . import compose
from .model import Para, ReportSpec, TableBlock
from .numbers import APPLICANTS, Printer, requests_grid
from .phrases import bank

# (old organ, new organ) one-to-one renames; the reform year falls inside a series
RENAMES = (("国土资源局", "自然资源局"), ("环境保护局", "生态环境局"),
           ("卫生和计划生育委员会", "卫生健康委员会"), ("农业局", "农业农村局"))


@dataclass
class SeriesDoc:
    spec: ReportSpec
    key: str                 # the agency key every name of this agency must get
    carry_broken: bool       # the carry-over from the year before is broken
    prose_disagrees: bool    # a prose total of the report's own scope disagrees with its table
    prose_other_scope: bool  # a prose total of another scope (全县各部门) disagrees: uncertain

    def manifest(self, filename: str) -> dict:
        return {"file": filename, "agency": self.spec.agency, "year": self.spec.year,
                "key": self.key, "carry_broken": self.carry_broken,
                "prose_disagrees": self.prose_disagrees,
                "prose_other_scope": self.prose_other_scope}


def _agencies(rng: random.Random) -> list[tuple[str, list[str], callable]]:
    """(expected key, names it may print, year -> name) for each agency of a series batch."""
    places = bank()["places"]
    cities = [c + "市" for c in rng.sample(places["cities"], 3)]
    counties = [c + rng.choice("县区") for c in rng.sample(places["counties"], 4)]
    town = rng.choice(places["towns"]) + "镇"
    old, new = rng.choice(RENAMES)
    reform = rng.randint(2021, 2023)
    zone = rng.choice(places["counties"]) + "综合实验区"
    city, county, other = cities[0], counties[0], counties[1]

    def either(*names):
        return lambda year, r: r.choice(names)

    return [
        (county + "人民政府", either(county + "人民政府", city + county + "人民政府")),
        (county + new, lambda year, r: r.choice(("", city)) + county + (old if year < reform else new)),
        (other + new, either(other + new, city + other + new)),  # same organ, another county
        (zone + "人民政府", either(zone, zone + "管委会", zone + "管理委员会")),
        (cities[1] + "统计局", either(cities[1] + "统计局", cities[1] + " 统计局",
                                       cities[1] + "\u3000统计局")),
        (counties[2] + town + "人民政府", either(counties[2] + town + "人民政府")),  # one town name,
        (counties[3] + town + "人民政府", either(counties[3] + town + "人民政府")),  # two counties
    ]


def _set_carry_over(spec: ReportSpec, carried: dict[str, float], rng: random.Random) -> None:
    """Make the report's 上年结转 row `carried` (per applicant column), keeping the balance
    new + carried_over = results_total + carried_forward; rebuild the printed table and the
    prose that states 上年结转."""
    table = spec.tables["requests"]
    old_total = int(table["carried_over"]["total"])
    for col in APPLICANTS:
        table["carried_over"][col] = float(carried[col])
        forward = table["new_received"][col] + carried[col] - table["results_total"][col]
        if forward < 0:  # more handled than came in: the excess went to 予以公开
            table["granted"][col] += -forward
            table["results_total"][col] += -forward
            forward = 0.0
        table["carried_forward"][col] = float(forward)
    for row in ("carried_over", "carried_forward", "granted", "results_total"):
        table[row]["total"] = float(sum(table[row][c] for c in APPLICANTS))
    grid, text = requests_grid(table, spec.template, Printer())
    spec.cell_text["requests"] = text
    for section in spec.sections:
        for i, block in enumerate(section.blocks):
            if isinstance(block, TableBlock) and block.kind == "requests":
                section.blocks[i] = TableBlock("requests", grid)
            elif isinstance(block, Para):
                block.text = block.text.replace(f"上年结转{old_total}件",
                                                f"上年结转{int(table['carried_over']['total'])}件")


def _add_prose(spec: ReportSpec, rng: random.Random, disagree: bool, other_scope: bool) -> None:
    """A sentence stating this year's totals (off by a few where `disagree`), and optionally one
    about all departments of the place, which the table does not cover."""
    req = spec.tables["requests"]
    new, done = int(req["new_received"]["total"]), int(req["results_total"]["total"])
    if disagree:
        if rng.random() < 0.5:
            new += rng.randint(1, 9)
        else:
            done += rng.randint(1, 9)
    texts = [f"{spec.year}年，本机关共收到政府信息公开申请{new}件，办结政府信息公开申请{done}件。"]
    if other_scope:
        texts.append(f"全{spec.agency[-1] if spec.agency[-1] in '县区市' else '县'}各部门共收到"
                     f"政府信息公开申请{new + rng.randint(20, 90)}件。")
    section = next(s for s in spec.sections if s.id == "requests")
    section.blocks[0:0] = [Para(t) for t in texts]


def series(seed: int = 0, prefix: str = "ser", years: int = 4) -> list[SeriesDoc]:
    """Every report of a batch of agencies over `years` consecutive years."""
    rng = random.Random(f"series:{seed}")
    out: list[SeriesDoc] = []
    for a, (key, name_of) in enumerate(_agencies(rng)):
        start = rng.randint(2020, 2025 - years + 1)
        previous: ReportSpec | None = None
        for year in range(start, start + years):
            name = f"{prefix}{seed}-{a}-{year}"
            r = random.Random(f"{seed}:{name}")
            spec = compose.report(r, name, who=(name_of(year, r), 40), year=year)
            broken = False
            if previous is not None:
                carried = {c: previous.tables["requests"]["carried_forward"][c] for c in APPLICANTS}
                broken = r.random() < 0.35
                if broken:
                    col = r.choice(APPLICANTS[:2])
                    carried[col] += r.randint(1, 3)
                _set_carry_over(spec, carried, r)
            disagree, other_scope = r.random() < 0.3, r.random() < 0.3
            _add_prose(spec, r, disagree, other_scope)
            out.append(SeriesDoc(spec, key, broken, disagree, other_scope))
            previous = spec
    return out


def main(argv: list[str] | None = None) -> None:
    """Write a series batch (one format per document, in turn) and manifest.json to --out."""
    from .generate import render

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="txt,html,pdf,docx")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    formats = args.formats.split(",")
    manifest = []
    for i, doc in enumerate(series(args.seed)):
        generated = render(doc.spec, formats[i % len(formats)])
        (args.out / generated.filename).write_bytes(generated.data)
        manifest.append(doc.manifest(generated.filename))
    (args.out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                            encoding="utf-8")
    print(f"wrote {len(manifest)} reports of {len({m['key'] for m in manifest})} agencies to {args.out}")


if __name__ == "__main__":
    main()
