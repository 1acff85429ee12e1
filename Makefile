# Ownstream: `make run` installs the runtime and starts the server; `make test` adds the test tools and runs
# every test. Each works from a fresh clone; neither reinstalls what the other already installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STATIC := src/ownstream/web/static/index.html
# `make run ARGS="--loglevel debug"`; OWNSTREAM_* environment variables pass through as well.
ARGS ?=

.PHONY: setup run test test-postgresql lint typecheck-web system-deps system-deps-test frontend peer bench wheel clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The runtime: the package and its dependencies only (what `make run` needs).
$(VENV)/.runtime-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

# The test stack on top of the runtime (pytest, Playwright, linters, …).
$(VENV)/.installed: pyproject.toml $(VENV)/.runtime-installed
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

# The fediverse peer of the federation tests: Fedify on Node 22, both from npm (tests/peer/package-lock.json).
# Node 22 stays inside tests/peer; the front end keeps building with the system's Node.
tests/peer/node_modules/.installed: tests/peer/package.json tests/peer/package-lock.json | system-deps
	cd tests/peer && npm ci --no-audit --no-fund --loglevel=error
	touch $@

peer: tests/peer/node_modules/.installed

setup: $(VENV)/.installed frontend

run: $(VENV)/.runtime-installed frontend
	$(VENV)/bin/ownstream $(ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src tests

typecheck-web: web/node_modules/.installed
	cd web && npm run check

# asyncio's debug mode, so a slow callback or a coroutine never awaited shows up; and the coverage floor
# ([tool.coverage.report] fail_under in pyproject.toml).
test: system-deps-test setup lint typecheck-web peer
	PYTHONASYNCIODEBUG=1 $(VENV)/bin/pytest -n 2 --dist loadgroup -m "not alone" --cov=ownstream \
		--cov-report= --cov-fail-under=0
	PYTHONASYNCIODEBUG=1 $(VENV)/bin/pytest -m alone --cov=ownstream --cov-append --cov-report=term
	$(MAKE) --no-print-directory test-postgresql

# The API, contract and chat suites again, on a PostgreSQL the tests start from Debian's packages
# (tests/postgres.py); end-to-end and browser tests stay on SQLite.
POSTGRES_SUITES := tests/api tests/contract tests/chat
test-postgresql: system-deps-test setup
	PYTHONASYNCIODEBUG=1 $(VENV)/bin/pytest -n 2 --dist loadgroup -m "not alone" --database-engine postgresql \
		$(POSTGRES_SUITES)

bench: setup
	$(PY) bench/run_all.py

wheel: $(VENV)/.runtime-installed frontend
	$(PY) -m pip wheel --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) web/node_modules tests/peer/node_modules src/ownstream/web/static dist
