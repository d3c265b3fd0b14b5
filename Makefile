# Complaint-handling XBlocks for Open edX. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python 3.12 interpreter found on this machine (pyenv versions first, then PATH).
PYTHON312 ?= $(shell for p in $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12 python3.12; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SETTINGS := course_export.demo.settings

BENCH_VENV := .venv-bench

.PHONY: help install demo test lint js-deps unit integration browser-deps db-deps xapi-deps tutor-deps bench bench-peers course translations clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: setup.py
	@test -n "$(PYTHON312)" || { echo "No Python 3.12 found: install it (e.g. pyenv install 3.12) or set PYTHON312=/path/to/python3.12"; exit 1; }
	test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create .venv with Python 3.12 and install the package with its dev tools

demo: install ## Install, prepare the workbench database and serve the course on http://127.0.0.1:8000
	mkdir -p var
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) -m django migrate --noinput -v 0
	@echo "Serving on http://$(HOST):$(PORT)/  (add ?student=staff to a page to act as course staff)"
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) -m django runserver $(HOST):$(PORT) --noreload

ESLINT_VERSION := 9.39.1
ESLINT := .cache/eslint/node_modules/.bin/eslint
JS_FILES := complaint_sim_xblock/public rubric_xblock/public xblock_json_contract/public tangerang_units/public tests/js eslint.config.cjs

lint: install js-deps ## Run ruff over the Python code and eslint (eslint.config.cjs) over the JavaScript
	$(PY) -m ruff check xblock_json_contract complaint_sim_xblock rubric_xblock tangerang_units tangerang_xapi course_export tutor-plugin tests setup.py
	$(ESLINT) --max-warnings 0 $(JS_FILES)

js-deps: ## Install eslint (npm, pinned, into .cache/eslint) for make lint
	@grep -qs '"version": "$(ESLINT_VERSION)"' .cache/eslint/node_modules/eslint/package.json || npm install --prefix .cache/eslint --no-audit --no-fund --silent eslint@$(ESLINT_VERSION)
	@test -x $(ESLINT)

UNIT_TESTS := not browser and not wheel and not load and not integration

unit: install ## The in-process tests: engines, handlers through dispatch, course builds; no browser, wheel, load or integration (1,101 tests, one worker per core: 41-49 s on 2 cores at load 1)
	$(PY) -m pytest -q -n auto --maxprocesses 4 -m "$(UNIT_TESTS)"

integration: install ## The workbench over HTTP, the demo in a child process, the course CLI, the Tutor render and its chdb SQL tests (also in make test)
	$(PY) -m pytest -q -m "integration and not browser and not load"

AXE_VERSION := 4.14.1
AXE_JS := .cache/axe/node_modules/axe-core/axe.min.js

browser-deps: ## Install Chromium (Debian package) and axe-core (npm, into .cache/axe) for the browser tests
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >/dev/null; }
	@grep -qs '"version": "$(AXE_VERSION)"' .cache/axe/node_modules/axe-core/package.json || npm install --prefix .cache/axe --no-audit --no-fund --silent axe-core@$(AXE_VERSION)
	@test -f $(AXE_JS)

db-deps: install ## Install MariaDB (Debian packages) and gunicorn + mysqlclient (PyPI) for the multi-worker load test
	@command -v mariadbd >/dev/null 2>&1 && test -f /usr/include/mariadb/mysql.h || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends mariadb-server mariadb-client libmariadb-dev >/dev/null; }
	@$(PY) -c 'import gunicorn, MySQLdb' 2>/dev/null || $(PY) -m pip install --quiet -e '.[load]'

xapi-deps: install ## Install edx-event-routing-backends and chdb (PyPI, into .venv) for the xAPI and dashboard SQL tests
	@$(PY) -c 'import event_routing_backends, chdb' 2>/dev/null || $(PY) -m pip install --quiet -e '.[xapi]'

TUTOR_VENV := .venv-tutor

# Tutor in its own virtualenv: tutor-contrib-aspects 6.1 needs click<8.3 (and so Tutor 22.0.2),
# .venv has click 8.5. Our plugin is installed editable, so its templates are read from tutor-plugin/.
$(TUTOR_VENV)/.installed: tutor-plugin/pyproject.toml
	@test -n "$(PYTHON312)" || { echo "No Python 3.12 found: set PYTHON312=/path/to/python3.12"; exit 1; }
	test -x $(TUTOR_VENV)/bin/python || $(PYTHON312) -m venv $(TUTOR_VENV)
	$(TUTOR_VENV)/bin/python -m pip install --quiet "tutor==22.0.2" "tutor-contrib-aspects==6.1.0" -e ./tutor-plugin
	touch $@

tutor-deps: $(TUTOR_VENV)/.installed ## Install Tutor, tutor-contrib-aspects and our Tutor plugin (tutor-plugin/) into .venv-tutor

test: install lint browser-deps db-deps xapi-deps tutor-deps ## Install everything and run every test (lint, unit, HTTP, browser, multi-worker load)
	$(PY) -m pytest -q

course: install ## Build the course tarball dist/penanganan-pengaduan.tar.gz from course_export/sources
	$(PY) -m course_export build course_export/sources/penanganan-pengaduan -o dist/penanganan-pengaduan.tar.gz

translations: install ## Extract strings (Babel), update the id/en .po catalogs of both blocks, compile the .mo files
	$(PY) -m tests.i18n_catalogs
	@$(PY) -m tests.i18n_catalogs --check || echo "Translate the strings listed above in <package>/translations/id/LC_MESSAGES/text.po, then run make translations again."

bench: install db-deps ## Measure render and handler times against an empty XBlock and the peers (if installed), page weight, and 200 learners on 4 workers
	$(if $(wildcard $(BENCH_VENV)/bin/python),$(BENCH_VENV)/bin/python,$(PY)) -m tests.bench
	$(PY) -m tests.bench_analytics
	LOAD_LEARNERS=200 $(PY) -m pytest -q -s tests/load/test_multiworker.py

bench-peers: install ## Install edx-ora2 and branching-xblock into .venv-bench, beside the package, for `make bench`
	test -x $(BENCH_VENV)/bin/python || $(PYTHON312) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[dev,bench]'

clean: ## Remove the virtualenv, the demo database and build output
	rm -rf $(VENV) $(BENCH_VENV) $(TUTOR_VENV) var build dist *.egg-info
