# One command each, from a bare machine with Python 3.11:
#   make run    virtualenv, install, migrate, demo accounts and content, worker with beat, and the
#               site with WebSockets on http://127.0.0.1:8000
#   make serve  what production runs: HTTP and WebSockets on one port (HOST, PORT,
#               WEB_CONCURRENCY; no demo data, DEBUG off, settings from the environment)
#   make test   virtualenv, install, the whole test suite
#   make bench  every benchmark (manage.py bench_*) on PostgreSQL and Redis, one table
# With DATABASE_URL / REDIS_URL set, both use PostgreSQL and Redis instead of the embedded default.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The virtualenv is rebuilt from requirements.txt only when that file changes.
STAMP := $(VENV)/.requirements.stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
# --quiet: no banner; the worker still logs that it is ready, and each task.
CELERY_WORKER := $(BIN)/celery -A config --quiet worker -B \
	--scheduler django_celery_beat.schedulers:DatabaseScheduler \
	--pool=solo --loglevel=INFO

.PHONY: help venv run serve demo-reset test bench lint fmt clean

help:
	@echo "make run    set up and serve http://$(HOST):$(PORT) (HTTP + WebSockets) with a worker and beat"
	@echo "make serve  what production runs (HOST, PORT, WEB_CONCURRENCY; migrate first)"
	@echo "make bench  every benchmark on PostgreSQL and Redis, one table of figures and goals"
	@echo "make demo-reset  import the demo course again, over any edits made to it"
	@echo "make test   set up and run the test suite (PYTEST_ARGS=... to pass options to pytest)"
	@echo "make lint   ruff check + ruff format --check"
	@echo "make fmt    ruff format + ruff check --fix"
	@echo "make clean  remove the virtualenv, the SQLite database, media/, staticfiles/ and var/"

$(STAMP): requirements.txt
	@test -x $(BIN)/python || { \
		echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"; \
		$(PYTHON) -m venv $(VENV); \
	}
	@# Progress on one line that counts the packages as pip reaches them, rather than pip's
	@# hundreds of lines or a silent minute; pip's warnings and errors (stderr) pass through.
	@echo "Installing requirements.txt into $(VENV) (the first time takes a minute or two)"
	@set -o pipefail; \
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt \
		| awk '/^Collecting / { name = $$2 } /^Requirement already satisfied: / { name = $$4 } \
			name != "" { n++; printf "\r  %3d packages  %-60.60s", n, name; name = ""; fflush() } \
			/^Installing collected packages/ { printf "\r  %3d packages  %-60s", n, "installing..."; fflush() } \
			END { printf "\r  %3d packages  %-60s\n", n, "ready" }'
	@touch $@

venv: $(STAMP)

# The worker runs in the background with beat embedded (-B) and the solo pool, the web server
# (`make serve`'s, with DEBUG on) in the foreground; when it stops (Ctrl-C), the trap stops the
# worker. Without REDIS_URL the broker is kombu's filesystem transport in var/, so no broker
# server is needed.
run: $(STAMP)
	@mkdir -p var/broker var/broker-processed var/broker-control
	@export DEBUG=true; \
	set -e; \
	echo "Migrating the database"; \
	$(BIN)/python manage.py migrate --noinput --verbosity 0; \
	$(BIN)/python manage.py setup_demo; \
	$(CELERY_WORKER) & \
	worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null || true' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "Serving http://$(HOST):$(PORT)  (admin: /admin/, API docs: /api/docs/; Ctrl-C stops)"; \
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m config.serve

# Production's web process (docker compose runs the same command): no migrations, no demo data,
# settings from the environment (DEBUG off unless set). config/serve.py says what it starts.
# The static files are collected first, as the Docker image does when it is built: with DEBUG off
# the pages' styles and the web client are served from the manifest collectstatic writes.
serve: $(STAMP)
	@$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@HOST=$(HOST) PORT=$(PORT) exec $(BIN)/python -m config.serve

# Every manage.py bench_* command with --json, on PostgreSQL and Redis (defaulted as .ci/run
# does), and one table of figures, ratios and goals (config/management/commands/bench.py).
bench: $(STAMP)
	@export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lingua}" \
		REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
		SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(BIN)/python -m config.database_create && \
	$(BIN)/python manage.py migrate --noinput --verbosity 0 && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# setup_demo leaves a demo course that is already there alone (an editor may have changed it).
demo-reset: $(STAMP)
	@export DEBUG=true; \
	set -e; \
	$(BIN)/python manage.py migrate --noinput --verbosity 0; \
	$(BIN)/python manage.py setup_demo --reset-course

test: $(STAMP)
	@$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var db.sqlite3 media staticfiles
