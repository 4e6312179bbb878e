# One-word commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 3
WORKER_CONCURRENCY ?= 4

.PHONY: run test test-reliability up migrate lint format bench clean

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

## The embedded site: SQLite under var/, tasks in-process, on http://$(HOST):$(PORT)/
run: migrate
	$(PY) manage.py demo_setup
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (PostgreSQL, Redis and worker tests run when those are reachable)
test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -m "not reliability"

## Minutes long: private PostgreSQL, Redis, gunicorn and Celery workers, stopped, killed and restarted on purpose
test-reliability: $(VENV)/.installed-dev
	$(VENV)/bin/pytest reliability_tests -s

## The production shape in one command: gunicorn, a Celery worker and Celery beat.
## Needs DATABASE_URL and CELERY_BROKER_URL (see .env.example).
up: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	GUNICORN_BIND=$(HOST):$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) WORKER_CONCURRENCY=$(WORKER_CONCURRENCY) \
		PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --no-colour

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(PY) bench/enrich.py

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
