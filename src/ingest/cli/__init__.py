"""The `ingest` command line (Typer + Rich). `main.app` assembles the command modules."""
