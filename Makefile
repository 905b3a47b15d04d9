# The two commands: `make demo` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LOCALE := src/compendium/locale

.PHONY: demo test lint format translations setup-demo install install-dev clean bench

demo: setup-demo
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/compendium runserver --skip-checks $(HOST):$(PORT)

# Everything `make demo` does before serving: database, reference data, sample, accounts.
setup-demo: install translations
	$(BIN)/compendium migrate --noinput
	$(BIN)/compendium load_reference
	$(BIN)/compendium load_sample
	$(BIN)/compendium rebuild_index
	$(BIN)/compendium create_demo_accounts

test: install-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The performance budget (DESIGN.md §6) measured: prints a report, also in var/bench/report.txt.
# The first run builds the 100,000-entry data sets (kept under var/bench/ for later runs).
bench: install
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Translation catalogues are compiled in Python (Babel), so no system gettext is needed.
translations: install
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D django

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

# Refresh the pinned versions after changing pyproject.toml's dependencies.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade -e ".[dev]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) var
