# disputegraph — the two commands a newcomer needs:
#   make demo   generate a synthetic city, load it into the embedded store, analyse it, open the dashboard
#   make test   install everything (Python deps, Chromium, a real Neo4j 5) and run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help demo test test-fast lint typecheck system-deps neo4j-start neo4j-stop bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebook]'
	@touch $(STAMP)

venv: $(STAMP)  ## create .venv and install the project with its dev extras

demo: $(STAMP)  ## run the demo: synthetic city → embedded store → analysis → dashboard on http://127.0.0.1:8050
	$(BIN)/disputegraph demo

system-deps:  ## install Chromium, CJK fonts and poppler (Debian; skipped when present)
	@bash scripts/system-deps.sh

test: $(STAMP) system-deps  ## run the whole test suite against a real Neo4j and headless Chromium
	@set -euo pipefail; \
	uri=$$(bash scripts/neo4j.sh start); \
	trap 'bash scripts/neo4j.sh stop' EXIT; \
	DISPUTEGRAPH_TEST_NEO4J_URI=$$uri $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)  ## unit tests only (no Neo4j, no browser)
	$(BIN)/python -m pytest -m "not neo4j and not browser and not slow" $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff check + format check + the layer contracts (import-linter, see docs/architecture.md)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)  ## mypy --strict
	$(BIN)/mypy

neo4j-start:  ## start the local test Neo4j (prints the Bolt URI)
	@bash scripts/neo4j.sh start

neo4j-stop:  ## stop the local test Neo4j
	@bash scripts/neo4j.sh stop

bench: $(STAMP)  ## run the benchmarks (prints figures; see bench/README.md)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:  ## remove the virtualenv and caches (not the Neo4j jar cache)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
