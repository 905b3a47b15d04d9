# The two commands: `make demo` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LOCALE := src/compendium/locale

.PHONY: demo test lint format translations setup-demo install install-dev clean bench
.PHONY: serve load

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

# The product as it runs for real: production settings (SECRET_KEY and ALLOWED_HOSTS required),
# DATABASE_URL from the environment, static files collected for whitenoise, migrations applied,
# then gunicorn with threaded workers (WEB_WORKERS, WEB_THREADS) on $(HOST):$(PORT).
SERVE := DJANGO_SETTINGS_MODULE=compendium.settings.production $(BIN)/compendium
serve: install translations
	$(SERVE) check --deploy
	$(SERVE) collectstatic --noinput --verbosity 0
	$(SERVE) migrate --noinput
	DJANGO_SETTINGS_MODULE=compendium.settings.production exec $(BIN)/gunicorn \
		--config python:compendium.operations.gunicorn_conf --bind $(HOST):$(PORT) \
		compendium.wsgi:application

# The load test: 100 public visitors and 50 focal points saving drafts for 60 s against
# `make serve` on the PostgreSQL server DATABASE_URL names (a database `compendium_load` is created
# and dropped); prints requests/s, p50/p95 and failures per kind, and lost writes.
load: install-dev translations
	$(BIN)/python loadtest/run.py

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
