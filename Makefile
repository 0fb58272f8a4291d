# Two commands for a newcomer:  `make run`  and  `make test`.
# Both create their own virtual environment in .venv and install chatdesk into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint typecheck unit clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Install, load the demo data (idempotent) and start chatdesk on SQLite: http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/chatdesk demo
	$(BIN)/chatdesk run

## Install, then lint, type-check and run the whole suite (SQLite and, when reachable, PostgreSQL)
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
