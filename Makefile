# Finsam: everyday tasks. `make demo` and `make test` work on a fresh clone with python3.12 and make.

PYTHON ?= python3.12
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
# Where `make demo` and `make serve` listen: `make demo BIND=127.0.0.1:8080` for another port (the same as
# setting FINSAM_BIND).
BIND ?= $(or $(FINSAM_BIND),127.0.0.1:8000)
# The suite runs in as many processes as the machine has cores (0: in this process only). The tests that
# read the shared demo stay together on one process (loadgroup), so that it is built once.
PYTEST_WORKERS ?= auto
# Compiled modules are cached under .venv even where PYTHONDONTWRITEBYTECODE is set (as in CI): without a
# cache every process compiles Django and the rest again, and pytest rewrites the assertions of its
# plugins' modules (schemathesis, hypothesis: some 350) anew. The tree stays free of __pycache__.
PYTEST := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache \
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

.DEFAULT_GOAL := help
.PHONY: help install demo serve worker test test-pg lint bench load migrations-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv installs in seconds; plain pip is the fallback when uv cannot be had.
$(INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing finsam and its development tools into $(VENV) …"
	@( $(BIN)/python -m pip install --quiet --disable-pip-version-check uv \
	   && $(BIN)/python -m uv pip install --quiet --python $(BIN)/python -e '.[dev]' ) \
	 || $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(INSTALLED) ## create .venv and install the project with its dev extra

# The worker runs beside the web server and is stopped with it (Ctrl+C reaches both; the trap covers the
# server stopping by itself).
demo: $(INSTALLED) ## database under var/ (or FINSAM_DATABASE_URL), demo data, logins, web server on BIND (127.0.0.1:8000) and the task worker
	FINSAM_BIND=$(BIND) $(BIN)/finsam demo
	@$(BIN)/finsam worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/finsam serve --bind $(BIND)

serve: $(INSTALLED) ## the web server only (gunicorn on BIND; another port: make serve BIND=127.0.0.1:8080)
	$(BIN)/finsam serve --bind $(BIND)

worker: $(INSTALLED) ## the task worker only (imports, e-mail, daily jobs)
	$(BIN)/finsam worker

test: $(INSTALLED) ## the whole suite (SQLite; PostgreSQL when FINSAM_TEST_DATABASE_URL is set)
	$(PYTEST) $(PYTEST_ARGS)

test-pg: $(INSTALLED) ## the whole suite on PostgreSQL at postgres@127.0.0.1:5432 (PG_TEST_URL)
	FINSAM_TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST) $(PYTEST_ARGS)

lint: $(INSTALLED) ## ruff check, ruff format --check, mypy, the import contract (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

migrations-check: $(INSTALLED) ## fail when a model change has no migration
	$(BIN)/python -m django makemigrations --check --dry-run --settings=tests.settings

SCALE ?=
bench: $(INSTALLED) ## run bench/bench_*.py and record the figures in docs/benchmarks.md (SCALE=10: national data ×10)
	@set -e; if [ -n "$(SCALE)" ]; then \
		echo "== national data at scale $(SCALE) (kept for the next run)"; \
		$(BIN)/python bench/bench_statistics.py --synth $(SCALE) --keep; \
		$(BIN)/python bench/bench_participant_list.py --scale $(SCALE); \
		$(BIN)/python bench/bench_import.py --scale $(SCALE); \
	else \
		for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done; \
	fi

LOAD_ARGS ?=
load: $(INSTALLED) ## HTTP load test: locust against finsam serve on PostgreSQL with synth data (bench/README.md)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean: ## remove the virtual environment and caches (keeps var/, the demo database)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
