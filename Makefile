# The two quick-start commands (README): `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test devset-guard realdev-guard bench clean

$(BIN)/ingest: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/ingest
	./scripts/system-deps.sh
	$(BIN)/python -m compileall -q src  # bytecode ahead (PYTHONDONTWRITEBYTECODE may be set): faster cold starts

## the main job on the embedded defaults: crawl the sample portal into output/ingest.db
demo: setup
	$(BIN)/ingest demo

## the test suite (real SQLite, PostgreSQL on 127.0.0.1:5432, HTTP servers on 127.0.0.1)
test: setup
	$(BIN)/pytest -q

## score the devset in ../shared (when present) and fail below the levels already reached
devset-guard: setup
	./scripts/devset-guard.sh devset

## the same for the real reports in ../shared/realdev (and their not-reports' exit codes)
realdev-guard: setup
	./scripts/devset-guard.sh realdev

## benchmarks, run on demand (never in CI)
bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) output/*.db output/report.html
