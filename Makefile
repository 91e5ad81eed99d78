# make run   - install (Chromium too when root, for chart images and the board pack), create the
#              embedded database with demo data if empty, and serve it
# make test  - install what the tests need (Chromium, PostgreSQL and Redis when root) and run
#              them all on both cores: tests/unit, tests/db, tests/app and tests/browser
# make test-fast - the unit tests only (no database, app or browser), for the inner loop
# make test-db, test-app, test-browser - one folder of tests, with what that folder needs
# make bench - run every benchmark in bench/
# make loadtest - 50 users on the demo for 60 s (locust, in its own .venv-loadtest)
# Each works from a fresh clone and is safe to run again.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050
WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: help run test test-fast test-db test-app test-browser bench loadtest install \
	install-test browser-deps

help:
	@echo "make run    serve the dashboard on http://$(HOST):$(PORT)/ (PORT=... to change)"
	@echo "make test   run the whole test suite (about 9 minutes; starts PostgreSQL and Redis)"
	@echo "make test-fast  the unit tests: no database, app or browser (about 15 s)"
	@echo "make test-db, test-app, test-browser  the tests in tests/db, tests/app or tests/browser"
	@echo "make bench  run the benchmarks in bench/"
	@echo "make loadtest  a board meeting's load on the demo: 50 users for 60 s"

$(PY):
	@if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
		echo "warning: $(PYTHON) is not Python 3.11, the version the project is pinned for"; fi
	$(PYTHON) -m venv $(VENV)

# The stamps remember which requirements were installed, so a second run installs nothing.
$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-test: $(VENV)/.installed-test

run: install browser-deps
	$(PY) -m db init
	@if [ "$$($(PY) -m db returns --count)" = 0 ]; then \
		echo "The database has no returns yet: loading the synthetic demo data."; \
		$(PY) -m db demo; \
	fi
	@echo
	@echo "ASG Dashboard: open http://$(HOST):$(PORT)/ in your browser once gunicorn says"
	@echo "\"Listening at\" (it first works out every chart, about 15 s). Ctrl+C stops it."
	@$(PY) -m db users demo-admin || true
	@echo
	@# One throwaway key shared by the workers, unless SECRET_KEY is set. COOKIE_SECURE=0:
	@# this serves plain http (on loopback by default), where a Secure cookie is never sent back.
	@SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')}" \
		COOKIE_SECURE="$${COOKIE_SECURE:-0}" \
		exec $(VENV)/bin/gunicorn --config gunicorn.conf.py app:server --bind $(HOST):$(PORT) --workers $(WORKERS)

browser-deps:
	@if command -v chromedriver >/dev/null && command -v pdftotext >/dev/null && { command -v chromium || \
		command -v chromium-browser || command -v google-chrome; } >/dev/null; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium (chart images, board pack), ChromeDriver (browser tests) and"; \
		echo "poppler-utils (the board pack's tests read its text with pdftotext)"; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null; \
	else \
		echo "Chromium or ChromeDriver is missing: the browser tests will skip, and without"; \
		echo "Chromium (or BROWSER_PATH) chart images and the board pack cannot be drawn"; \
		echo "(as root, make run and make test install Debian's chromium and chromium-driver)"; \
	fi

# Two workers, one per core, each taking a whole test module at a time (so a module's fixtures,
# a demo database or an attacker's haul, are built once). Much of a test's time is spent
# waiting for Chromium, PostgreSQL or a subprocess, which the other worker fills.
PARALLEL := -n 2 --dist loadfile

# pytest on the folders given, on both cores, with a local PostgreSQL and Redis started (and
# their URLs set) unless TEST_POSTGRES_URL and TEST_REDIS_URL are set already.
define pytest_with_services
	@url="$${TEST_POSTGRES_URL:-$$(bash .ci/start-postgres)}"; \
	if [ -n "$$url" ]; then echo "PostgreSQL tests use $${url##*@}"; \
	else echo "No PostgreSQL server: the PostgreSQL tests will skip"; fi; \
	redis="$${TEST_REDIS_URL:-$$(bash .ci/start-redis)}"; \
	if [ -n "$$redis" ]; then echo "Redis tests use $${redis#redis://}"; \
	else echo "No Redis server: the live-Redis tests will skip"; fi; \
	TEST_POSTGRES_URL="$$url" TEST_REDIS_URL="$$redis" $(PY) -m pytest $(1) $(PARALLEL) -q \
		$(PYTEST_ARGS)
endef

test: install-test browser-deps
	$(call pytest_with_services,tests)

test-db: install-test
	$(call pytest_with_services,tests/db)

test-app: install-test browser-deps
	$(call pytest_with_services,tests/app)

test-browser: install-test browser-deps
	$(PY) -m pytest tests/browser -q $(PYTEST_ARGS)

# The unit tests need no database, app or browser; one process is quicker than two here.
test-fast: install-test
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

bench: install-test browser-deps
	@url="$${TEST_POSTGRES_URL:-$$(bash .ci/start-postgres)}"; \
	shopt -s nullglob; benches=(bench/[!_]*.py); \
	if [ $${#benches[@]} = 0 ]; then echo "No benchmarks in bench/ yet."; exit 0; fi; \
	for bench in "$${benches[@]}"; do \
		echo "== $$bench"; \
		TEST_POSTGRES_URL="$$url" PYTHONPATH="$(CURDIR)" $(PY) "$$bench"; \
	done

LOAD_VENV := .venv-loadtest

$(LOAD_VENV)/.installed: requirements-loadtest.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-loadtest.txt
	@touch $@

loadtest: install-test $(LOAD_VENV)/.installed
	PYTHONPATH="$(CURDIR)" $(PY) bench/loadtest.py --locust $(LOAD_VENV)/bin/locust
