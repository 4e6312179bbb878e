# One-word commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 3
WORKER_CONCURRENCY ?= 4

.PHONY: run test messages translations test-reliability test-browser up migrate lint format bench bench-submissions clean

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## The public pages' translations: locale/*/LC_MESSAGES/django.po are committed,
## the compiled .mo files are built here (GNU gettext's msgfmt) and never committed.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
messages: $(PO_FILES:.po=.mo)

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext (apt-get install gettext)" >&2; exit 1; }
	msgfmt --check --output-file=$@ $<

## After changing a public text: refresh every locale/*/django.po, then translate what is new.
translations: $(VENV)/.installed
	$(PY) manage.py makemessages --all --no-location --ignore=.venv --ignore=var --ignore=node_modules --ignore='*tests*'

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

## The embedded site: SQLite under var/, tasks in-process, on http://$(HOST):$(PORT)/
run: migrate messages
	$(PY) manage.py demo_setup
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (PostgreSQL, Redis and worker tests run when those are reachable)
test: $(VENV)/.installed-dev messages
	$(VENV)/bin/pytest -m "not reliability"

## Minutes long: private PostgreSQL, Redis, gunicorn and Celery workers, stopped, killed and restarted on purpose
test-reliability: $(VENV)/.installed-dev
	$(VENV)/bin/pytest reliability_tests -s

## The security suite alone (also part of `make test`): production headers, fuzzing, pip-audit
test-security: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -m security security_tests

## The browser tests alone (also part of `make test`): WCAG 2.2 AA with axe-core in every language, the whole journey
test-browser: $(VENV)/.installed-dev messages
	$(VENV)/bin/pytest tests_browser

## The production shape in one command: gunicorn, a Celery worker and Celery beat.
## Needs DATABASE_URL and CELERY_BROKER_URL (see .env.example).
up: migrate messages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	GUNICORN_BIND=$(HOST):$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) WORKER_CONCURRENCY=$(WORKER_CONCURRENCY) \
		PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --no-colour

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Every benchmark, on PostgreSQL and Redis (docs/performance.md). Minutes long; pages.py keeps its databases.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/reportsite
bench: $(VENV)/.installed-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/enrich.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/urllist.py --sizes 10000,100000,1000000
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/feeds.py --entries 100000
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages.py --sizes 10000,1000000 --keep
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/submissions.py

## Public submissions/s against the floor of the stack and django-helpdesk (BENCH_SECONDS per target, default 60)
bench-submissions: $(VENV)/.installed-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/submissions.py

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
