# Carnet: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install demo test test-pg e2e lint bench messages clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## demo: install, migrate the embedded database, seed the demo once, serve on http://127.0.0.1:8000
demo: install
	bash scripts/demo.sh

## test: the whole suite on SQLite (unit, integration and browser journeys)
test: install
	$(BIN)/python -m pytest

## test-pg: the suite (without browser journeys) on the PostgreSQL server at 127.0.0.1:5432
test-pg: install
	CARNET_TEST_DATABASE_URL=$${CARNET_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -m "not e2e"

e2e: install
	$(BIN)/python -m pytest -m e2e

lint: install
	$(BIN)/ruff check carnet config
	$(BIN)/mypy carnet config
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m carnet.bench

## messages: refresh the English catalogue from the French msgids of carnet/ and config/, then compile it
## (French is the source language: it has no catalogue; carnet.js has no gettext strings, so no djangojs)
MESSAGES_IGNORE := --ignore=tests --ignore=testing --ignore=bench --ignore=e2e_tests \
	--ignore=var --ignore=test-results --ignore=docs --ignore=scripts --ignore='*.egg-info' --ignore=node_modules
messages: install
	$(BIN)/python manage.py makemessages --locale en --no-location $(MESSAGES_IGNORE) --settings=config.settings.test
	$(BIN)/python manage.py compilemessages --locale en --ignore=.venv --ignore=var --settings=config.settings.test
