"""Benchmarks run on demand (`make bench` = `python -m benchmarks.run`), never in CI."""
