# QLVB — everything a fresh Debian 12 machine with Python 3.11, pip and apt needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= full
APT_PACKAGES := chromium fonts-noto-core gettext libpango-1.0-0 libpangoft2-1.0-0 poppler-utils libreoffice-writer-nogui softhsm2 fonts-liberation tesseract-ocr tesseract-ocr-vie ghostscript qpdf unpaper nginx-light postgresql redis-server postgresql-client wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test test-fast apifuzz bench lint layers typecheck format messages makemessages system-deps venv lock migrate demo clean vgca-agent

# System packages: installed with apt only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing with apt:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: requirements.lock requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.lock
	touch $@

venv: $(VENV)/.installed

# Compiled translations are build products; compile them from the .po files.
messages: venv system-deps
	@$(PY) manage.py compilemessages -v0 --ignore=.venv

makemessages: venv
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=bench --ignore=var --no-obsolete

migrate: messages
	$(PY) manage.py migrate -v0

demo: migrate
	$(PY) manage.py load_demo

# Local: SQLite, files in var/, jobs in var/jobs.sqlite3 run by a worker started beside the server.
# runserver is daphne's (first in INSTALLED_APPS): it serves the pages and the chat's WebSockets.
run: demo
	@echo "QLVB at http://$(HOST):$(PORT)/  (demo logins above, also in var/demo-logins.txt)"
	@$(PY) manage.py run_huey --workers 2 --quiet & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production node: gunicorn (WEB_WORKERS processes) plus the job worker, behind nginx
# (docs/deploy/nginx.conf, `manage.py nginx_conf`). Configure with DATABASE_URL, REDIS_URL, S3_*,
# SECRET_KEY, QLVB_EVENT_KEY, QLVB_KEY_ENCRYPTION_KEY… (README, "Production"). With several nodes:
# MIGRATE=0 on all but the one that migrates, QLVB_PERIODIC_JOBS=0 on all but one.
# --preload: the application is imported once and the workers forked from it (faster start, shared memory).
# The chat's WebSockets (/ws/, qlvb.chat) are served by daphne (ASGI) on CHAT_PORT beside gunicorn;
# nginx sends /ws/ there. With REDIS_URL the sockets of every node share one channel layer.
MIGRATE ?= 1
WEB_WORKERS ?= 3
CHAT_PORT ?= $(shell echo $$(($(PORT) + 1)))
serve: messages
	@if [ "$(MIGRATE)" = 1 ]; then $(PY) manage.py migrate -v0; fi
	$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py run_huey --workers 2 & worker=$$!; \
	$(VENV)/bin/daphne -b $(HOST) -p $(CHAT_PORT) $(if $(filter 1,$(BEHIND_PROXY)),--proxy-headers) \
	  qlvb.asgi:application & chat=$$!; \
	trap "kill $$worker $$chat 2>/dev/null" EXIT INT TERM; \
	$(VENV)/bin/gunicorn qlvb.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --preload --timeout 120 \
	  --graceful-timeout 30 --access-logfile -

# Tests run in parallel, one pytest-xdist worker per core, each with its own test database;
# tests marked xdist_group("x") share a worker (loadgroup). TEST_WORKERS=0 runs them in this one
# process (for --pdb, or to read a failure in order).
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup
test: messages
	$(PYTEST) $(PYTEST_ARGS)

test-fast: messages
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

# The REST API against its OpenAPI schema (schemathesis, tests/test_api_fuzz.py): part of `make test`
# with 8 examples per operation and mode; alone with more (FUZZ_EXAMPLES), fixed seed, fails on any 5xx
# or answer the schema does not describe.
FUZZ_EXAMPLES ?= 25
apifuzz: messages
	QLVB_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -p no:xdist tests/test_api_fuzz.py -q $(PYTEST_ARGS)

# Benchmarks on a generated province (default: the issues' scale); SCALE=small for a quick look.
bench: messages
	$(PY) bench/run.py --scale $(SCALE)
	$(PY) bench/outgoing_bench.py --scale $(SCALE)
	$(PY) bench/edxml_bench.py --scale $(SCALE)
	$(PY) bench/exchange_bench.py --scale $(SCALE)
	$(PY) bench/axis_bench.py --scale $(SCALE)
	$(PY) bench/ocr_bench.py --scale $(SCALE)
	$(PY) bench/search_bench.py --scale $(SCALE)
	$(PY) bench/notifications_bench.py --scale $(SCALE)
	$(PY) bench/notices_bench.py --scale $(SCALE)
	$(PY) bench/leave_bench.py --scale $(SCALE)
	$(PY) bench/tasks_bench.py --scale $(SCALE)
	$(PY) bench/schedules_bench.py --scale $(SCALE)
	$(PY) bench/messages_bench.py --scale $(SCALE)
	$(PY) bench/statistics_bench.py --scale $(SCALE)
	$(PY) bench/itstaff_bench.py --scale $(SCALE)
	$(PY) bench/handover_bench.py --scale $(SCALE)
	$(PY) bench/signing_bench.py --scale $(SCALE)
	$(PY) bench/chat_bench.py
	$(PY) bench/pool_bench.py
	$(PY) bench/throughput_bench.py

# The VGCA test agent (tools/vgca_agent, docs/signing-vgca.md): speaks the Government Cipher Committee's
# signing plugin protocol on wss://127.0.0.1:$(VGCA_PORT) with its key on a SoftHSM2 token made once in
# var/vgca-agent/ (PIN 123456), its test CA trusted by the demo database (after `make run`), until Ctrl+C.
# For demonstrations and development without a real token.
VGCA_PORT ?= 8987
vgca-agent: venv system-deps
	@[ -f var/vgca-agent/token.json ] || $(PY) -m tools.vgca_agent setup --dir var/vgca-agent
	$(PY) manage.py import_trust_anchors var/vgca-agent/ca.pem
	$(PY) -m tools.vgca_agent demo --dir var/vgca-agent --port $(VGCA_PORT)

lint: venv
	$(VENV)/bin/ruff check .

# The apps' layering, as declared in pyproject.toml ([tool.importlinter]).
layers: venv
	$(VENV)/bin/lint-imports --no-cache

# mypy with django-stubs over qlvb/ (tests included, migrations not); settings in pyproject.toml.
typecheck: venv
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff format .

lock:
	rm -rf /tmp/qlvb-lock && $(PYTHON) -m venv /tmp/qlvb-lock
	/tmp/qlvb-lock/bin/pip install -q -r requirements.in
	/tmp/qlvb-lock/bin/pip freeze > requirements.lock.new
	@echo "Review requirements.lock.new, then move it over requirements.lock"

clean:
	rm -rf $(VENV) var/static .pytest_cache
