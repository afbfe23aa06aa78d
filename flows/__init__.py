"""Prefect flows (thin): each task calls one function of the `ingest` package."""
