"""`ingest`: the command-line entry point.

Each command family lives in its own module and exposes `register(app)`; this module only
assembles them, importing each lazily enough that `ingest parse` never imports Prefect.
"""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="ingest",
    help="政府信息公开工作年度报告 in, validated records out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def main() -> None:
    """政府信息公开工作年度报告 in, validated records out."""


# Modules that define commands; each has `register(app: typer.Typer) -> None`.
COMMAND_MODULES = (
    "ingest.cli.parse",      # parse
    "ingest.cli.inspect",    # inspect: what each stage decided
    "ingest.cli.run",        # run (local paths or crawl)
    "ingest.cli.crawl",      # documents, schedule
    "ingest.cli.analysis",   # export, search, themes, checks, history, serve
    "ingest.cli.nlp",        # train, eval
    "ingest.cli.demo",       # demo: the main job on the embedded defaults
    "ingest.cli.corpus",     # corpus generate, portal, serve, score
)

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a family still being built is simply absent
        if exc.name != _name:
            raise
        continue
    _module.register(app)


if __name__ == "__main__":
    app()
