# Ownstream: `make run` sets up everything and starts the server; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STATIC := src/ownstream/web/static/index.html

.PHONY: setup run test lint typecheck-web system-deps system-deps-test frontend bench wheel clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

system-deps:
	scripts/system-deps.sh

system-deps-test:
	scripts/system-deps.sh --test

web/node_modules/.installed: web/package.json web/package-lock.json | system-deps
	cd web && npm ci --no-audit --no-fund
	touch $@

$(STATIC): web/node_modules/.installed $(shell find web/src web/test -type f 2>/dev/null) $(wildcard web/*.html) web/build.mjs
	cd web && npm run build

frontend: $(STATIC)

setup: $(VENV)/.installed frontend

run: setup
	$(VENV)/bin/ownstream

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

typecheck-web: web/node_modules/.installed
	cd web && npm run check

test: system-deps-test setup lint typecheck-web
	$(VENV)/bin/pytest -n 2 --dist loadgroup

bench: setup
	$(PY) bench/run_all.py

wheel: setup
	$(PY) -m pip wheel --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) web/node_modules src/ownstream/web/static dist
