"""The `ingest` command line (Typer + Rich). `main.app` assembles the command modules."""
from __future__ import annotations


class LazyConsole:
    """A Rich console made on first use: every command module keeps module-level consoles,
    but `ingest parse --json` of one file never imports Rich (~35 ms of its cold start)."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._console = None

    def get(self):
        """The real `rich.console.Console` (for Rich objects that take one)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._kwargs)
        return self._console

    def __getattr__(self, name):
        return getattr(self.get(), name)
