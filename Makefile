# The two commands of the quick start are `make run` and `make test`; both install first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-all ui bench lint clean

$(STAMP): pyproject.toml generator/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e ./generator
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)  ## materialize the whole asset graph for today's partition
	$(BIN)/dq run

test: $(STAMP)  ## the default test suite (slow tests excluded)
	$(BIN)/pytest

test-all: $(STAMP)
	$(BIN)/pytest -m ''

ui: $(STAMP)  ## Dagster UI on the code location of workspace.yaml
	$(BIN)/dq ui

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check dq_project tests bench

clean:
	rm -rf var
