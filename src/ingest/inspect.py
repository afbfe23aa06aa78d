"""What each stage decided for one document, as plain data (`ingest inspect`).

Given a document's bytes, run the stages as the pipeline does (`pipeline.run_stages`) and
return an `Inspection`: the reader's blocks with their kinds and pages, which block became
which section heading, each table's grid with the table it was taken for and how its labels
were mapped (label -> key, how, score), the metadata, the screen's evidence and verdict, and
the statements. A user with a failing report sees which stage went wrong without reading code.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from . import tables as tables_stage
from .errors import IngestError
from .layout import Block, Table
from .settings import Settings

PREVIEW = 80  # characters of a block's text shown


@dataclass
class Inspection:
    uri: str
    media_type: str | None = None
    error: str | None = None            # the reader's one-line reason, when it could not read
    refused: str | None = None          # the screen's reason, when it is not a report
    reader: dict = field(default_factory=dict)
    blocks: list[dict] = field(default_factory=list)
    headings: list[dict] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)  # the 落款 and what follows it (no section)
    tables: list[dict] = field(default_factory=list)
    mappings: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    screen: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _block(i: int, block: Block) -> dict:
    out = {"index": i, "kind": block.kind, "page": block.page}
    if block.table is not None:
        out["text"] = f"[table {block.table.n_rows}×{block.table.n_cols}]"
    else:
        text = block.text.replace("\n", " ⏎ ")
        out["text"] = text[:PREVIEW] + ("…" if len(text) > PREVIEW else "")
    return out


def _grid(table: Table) -> list[list[str]]:
    return [[(c.text if c is not None else "") for c in row] for row in table.grid()]


def inspect_bytes(data: bytes, uri: str, settings: Settings | None = None,
                  with_statements: bool = True) -> Inspection:
    """Run every stage on `data` and report what each decided; never raises for bad input."""
    from .pipeline import run_stages

    found = Inspection(uri)
    try:
        stages = run_stages(data, uri, settings)
    except IngestError as exc:
        found.error = str(exc)
        return found
    layout, doc = stages.layout, stages.doc
    found.media_type = layout.media_type
    found.reader = {"pages": layout.pages, "ocr_pages": layout.ocr_pages,
                    "title_hint": layout.title_hint, "blocks": len(layout.blocks)}
    found.blocks = [_block(i, b) for i, b in enumerate(layout.blocks)]
    index = {id(b): i for i, b in enumerate(layout.blocks)}
    for part in doc.parts[1:]:
        first = next((index[id(b)] for b in part.blocks if id(b) in index), None)
        found.headings.append({"section": part.id, "heading": part.heading, "first_block": first,
                               "blocks": len(part.blocks)})
    found.closing = doc.closing_lines()
    for section_id, table in doc.tables():
        found.tables.append({"section": section_id, "taken_as": tables_stage.identify(table, section_id),
                             "block": index.get(id(next((b for b in layout.blocks if b.table is table),
                                                        None))),
                             "rows": table.n_rows, "cols": table.n_cols, "grid": _grid(table)})
    found.mappings = [asdict(m) for m in stages.found.matches]
    found.meta = stages.meta.model_dump()
    found.screen = {"evidence": stages.verdict.evidence.as_dict(), "reason": stages.verdict.reason}
    found.refused = stages.verdict.reason
    found.warnings = list(stages.warnings)
    if with_statements and not found.refused:
        record = stages.record()
        found.statements = [{"section": s.section, "type": s.type, "text": s.text, "themes": s.themes}
                            for s in record.statements]
    return found
