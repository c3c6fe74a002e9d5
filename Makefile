# The two commands of the README.  Needs only Python 3.11 (and make) on the machine.
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint install bench

# uv (on PATH, or the version pinned in the lock) installs the lock; pip if uv cannot be had
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) scripts/install.py $(VENV)
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## First command: a running portal on http://127.0.0.1:8000 (Ctrl-C stops everything)
# (RUN_ARGS="--addr 127.0.0.1:8001" for another port)
# (PORTAL_STARTED_AT: when make started, so the start-up timings include the install)
run: export PORTAL_STARTED_AT := $(shell date +%s.%N)
# Compiled modules are kept in .venv/pycache, not beside the sources, even where PYTHONDONTWRITEBYTECODE
# is set: without them each of the four processes compiles ~1,000 modules at every start (3 s of CPU each).
run: export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
run: export PYTHONDONTWRITEBYTECODE :=
run: $(STAMP)
	$(VENV)/bin/python manage.py run_portal $(RUN_ARGS)

## Second command: ruff, then the whole test suite on real PostgreSQL, Redis and a Celery worker
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(VENV)/bin/python -m bench $(BENCH_ARGS)
