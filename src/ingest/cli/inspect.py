"""`ingest inspect FILE`: what the readers and stages decided, drawn with Rich (or --json).

The data comes from `ingest.inspect.inspect_bytes`; this module only draws it: the reader's
blocks, the section headings, each table's grid and label mappings, the metadata, the
screen's evidence and verdict, and the statements.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from . import LazyConsole

out = LazyConsole()
STAGES = ("layout", "sections", "tables", "meta", "screen", "statements")
GRID_CELL = 14  # characters of a cell shown in a grid


def _layout(view: dict) -> None:
    from rich.table import Table

    r = view["reader"]
    out.print(f"[bold]reader[/] {view['media_type']}: {r['blocks']} blocks, pages {r['pages']}, "
              f"OCR pages {r['ocr_pages'] or 'none'}, title hint {r['title_hint']!r}")
    table = Table("#", "kind", "page", "text", box=None, pad_edge=False)
    for b in view["blocks"]:
        table.add_row(str(b["index"]), b["kind"], str(b["page"] or ""), b["text"])
    out.print(table)


def _sections(view: dict) -> None:
    from rich.table import Table

    table = Table("section", "heading as printed", "first block", "blocks", title="sections")
    for h in view["headings"]:
        table.add_row(h["section"], h["heading"] or "", str(h["first_block"]), str(h["blocks"]))
    out.print(table if view["headings"] else "[bold]sections[/]: no chapter heading found")
    if view["closing"]:
        out.print("[bold]落款[/] (set apart, in no section): " + " | ".join(view["closing"][:6]))


def _tables(view: dict) -> None:
    from rich.table import Table

    for i, t in enumerate(view["tables"], 1):
        grid = Table(*[str(c) for c in range(t["cols"])], show_lines=True,
                     title=f"table {i} (block {t['block']}, in {t['section']}): taken as "
                           f"{t['taken_as'] or 'no standard table'}, {t['rows']}×{t['cols']}")
        for row in t["grid"]:
            grid.add_row(*[c.replace("\n", "")[:GRID_CELL] for c in row])
        out.print(grid)
    mapping = Table("table", "label", "→ key", "how", "score", title="row labels mapped")
    for m in view["mappings"]:
        label = m["label"] if len(m["label"]) <= 40 else "…" + m["label"][-39:]  # the leaf shows
        mapping.add_row(m["table"], label, m["key"] or "[red]unmapped[/]", m["how"],
                        f"{m['score']:.2f}")
    out.print(mapping)


def _meta(view: dict) -> None:
    out.print("[bold]meta[/] " + ", ".join(f"{k}={v!r}" for k, v in view["meta"].items()))


def _screen(view: dict) -> None:
    ev = view["screen"]["evidence"]
    out.print(f"[bold]screen[/] title={ev['title']!r} sections={ev['sections']} tables={ev['tables']} "
              f"agency={ev['agency']!r} year={ev['year']} against={ev['against']}")
    out.print(f"  verdict: {view['refused'] or 'a report'}", markup=False)
    for w in view["warnings"]:
        out.print(f"  warning: {w}", markup=False)


def _statements(view: dict) -> None:
    from rich.table import Table

    table = Table("section", "type", "themes", "text", title="statements")
    for s in view["statements"]:
        table.add_row(s["section"], s["type"], ",".join(s["themes"]), s["text"])
    out.print(table)


DRAW = {"layout": _layout, "sections": _sections, "tables": _tables, "meta": _meta,
        "screen": _screen, "statements": _statements}


def register(app: typer.Typer) -> None:
    @app.command()
    def inspect(
        path: Path = typer.Argument(..., help="One report file."),
        stage: Optional[list[str]] = typer.Option(
            None, "--stage", "-s", help=f"Only these stages: {', '.join(STAGES)} (repeatable)."),
        as_json: bool = typer.Option(False, "--json", help="Everything as one JSON object."),
    ) -> None:
        """Show what the readers and stages decided for FILE, and why it was refused."""
        from ..inspect import inspect_bytes

        unknown = sorted(set(stage or ()) - set(STAGES))
        if unknown:
            raise typer.BadParameter(f"unknown stage {unknown[0]!r}; one of {', '.join(STAGES)}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            raise typer.Exit(2)
        view = inspect_bytes(data, path.name, with_statements=not stage or "statements" in stage)
        if as_json:
            sys.stdout.write(json.dumps(view.as_dict(), ensure_ascii=False, indent=1) + "\n")
        elif view.error:
            print(f"{path}: {view.error}", file=sys.stderr)
        else:
            for name in stage or STAGES:
                DRAW[name](view.as_dict())
        raise typer.Exit(2 if view.error else (3 if view.refused else 0))
