# koordinator: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
#
# Every step leaves a stamp file, so a second `make run` or `make test` skips what has not changed:
#   .venv/.installed          Python packages, redone when pyproject.toml changes
#   node_modules/.installed   npm packages, redone when package.json or package-lock.json changes
#   static/vendor/*.css       Designsystemet's CSS, copied again when the npm packages change

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PIP_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS := static/vendor/designsystemet.css static/vendor/designsystemet-theme.css
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in links the demo writes (notifications, SMS, «alt om meg»): where `make run` serves, unless SITE_URL is
# set. Every manage.py step of `make demo` and `make run` gets it, not only the server.
SITE := $(or $(SITE_URL),http://$(HOST):$(PORT))
PYTEST_ARGS ?=
# pytest-xdist: one worker per core; tests that share demo data stay together (tests/scheduling.py).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup
# Python writes its bytecode caches (__pycache__/, ignored by git) while testing, even where the environment sets
# PYTHONDONTWRITEBYTECODE: without them every worker compiles the project and rewrites the asserts of every test
# module again, about 7 s of CPU each, every run.
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest
# The local OpenID provider (`make oidc`; README, «Try the real log-in»): one node process, two issuers, like
# ID-porten for citizens and like Ansattporten for staff. `make run` points the server at it; set OIDC_CITIZEN_ISSUER
# and OIDC_STAFF_ISSUER (and their clients) in the environment to use other providers.
OIDC_PROVIDER_HOST ?= 127.0.0.1
OIDC_CITIZEN_PORT ?= 8091
OIDC_STAFF_PORT ?= 8092
OIDC_CITIZEN_ISSUER ?= http://$(OIDC_PROVIDER_HOST):$(OIDC_CITIZEN_PORT)
OIDC_CITIZEN_CLIENT_ID ?= koordinator-idporten
OIDC_CITIZEN_CLIENT_SECRET ?= demo-hemmelighet-idporten
OIDC_STAFF_ISSUER ?= http://$(OIDC_PROVIDER_HOST):$(OIDC_STAFF_PORT)
OIDC_STAFF_CLIENT_ID ?= koordinator-ansattporten
OIDC_STAFF_CLIENT_SECRET ?= demo-hemmelighet-ansattporten
OIDC_RP_BASE_URLS ?= http://$(HOST):$(PORT),http://localhost:$(PORT)
# Start every test at this instant (ISO 8601, e.g. CLOCK=2026-12-06T23:55:00+01:00); empty: the real clock.
CLOCK ?=
PYTEST_CLOCK := $(if $(strip $(CLOCK)),--clock=$(strip $(CLOCK)))

# pip prints a warning for each index location on this machine that does not exist; they are noise.
PIP_FILTER := { grep -v -e 'is ignored: it is neither a file nor a directory' || true; }

.PHONY: help install run oidc test lint demo clean loadtest

help:
	@echo "make run    install, build assets, migrate, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make oidc   a local OpenID provider like ID-porten and Ansattporten, for \`make run\` (second terminal)"
	@echo "make test   install, build assets and run the whole test suite (SQLite)"
	@echo "make lint   ruff"
	@echo "make clean  remove the virtualenv, node_modules, built assets and the SQLite database"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 | $(PIP_FILTER)
	@touch $@

# `npm ci` installs exactly what package-lock.json says; without a lock, fall back to `npm install`.
$(NODE_STAMP): package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

$(ASSETS) &: $(NODE_STAMP) scripts/build_assets.js
	npm run --silent build
	@touch $(ASSETS)

install: $(PIP_STAMP) $(ASSETS)

demo: install
	SITE_URL='$(SITE)' $(MANAGE) migrate --noinput
	SITE_URL='$(SITE)' $(MANAGE) seed_demo

run: demo
	@echo
	@echo "koordinator: http://$(HOST):$(PORT)/  (log in with one of the users listed above, password demo-passord)"
	@echo
	@# DEMO_LOGIN=1: the demo accounts log in with their password alone (README, «Sign-in»); never in production.
	@# PLAIN_NOT_FOUND=1: an address that is not there, or not for you, shows the Norwegian page, not Django's technical one.
	@# OIDC_*: the local OpenID provider of `make oidc` (README, «Try the real log-in»), unless set otherwise. Not
	@# echoed: a client secret from the environment stays off the screen.
	@echo "OpenID providers: $(OIDC_CITIZEN_ISSUER) (citizens) and $(OIDC_STAFF_ISSUER) (staff); \`make oidc\` starts them"
	@$(if $(filter-out http://127.0.0.1:8000,$(SITE)),echo "Links point to $(SITE): run manage.py commands by hand with it too: SITE_URL='$(SITE)' $(MANAGE) build_archives --once",true)
	@DEMO_LOGIN=1 PLAIN_NOT_FOUND=1 \
		OIDC_CITIZEN_ISSUER='$(OIDC_CITIZEN_ISSUER)' OIDC_CITIZEN_CLIENT_ID='$(OIDC_CITIZEN_CLIENT_ID)' \
		OIDC_CITIZEN_CLIENT_SECRET='$(OIDC_CITIZEN_CLIENT_SECRET)' \
		OIDC_STAFF_ISSUER='$(OIDC_STAFF_ISSUER)' OIDC_STAFF_CLIENT_ID='$(OIDC_STAFF_CLIENT_ID)' \
		OIDC_STAFF_CLIENT_SECRET='$(OIDC_STAFF_CLIENT_SECRET)' \
		SITE_URL='$(SITE)' \
		$(MANAGE) runserver $(HOST):$(PORT)

# The local OpenID provider for `make run` (development and tests only: anybody can log in as anybody). Stop it
# with Ctrl-C. The clients and ports are the variables above, so `make run` and `make oidc` agree.
oidc: $(NODE_STAMP)
	@OIDC_PROVIDER_HOST='$(OIDC_PROVIDER_HOST)' \
		OIDC_PROVIDER_CITIZEN_PORT='$(OIDC_CITIZEN_PORT)' OIDC_PROVIDER_STAFF_PORT='$(OIDC_STAFF_PORT)' \
		OIDC_PROVIDER_CITIZEN_CLIENT_ID='$(OIDC_CITIZEN_CLIENT_ID)' \
		OIDC_PROVIDER_CITIZEN_CLIENT_SECRET='$(OIDC_CITIZEN_CLIENT_SECRET)' \
		OIDC_PROVIDER_STAFF_CLIENT_ID='$(OIDC_STAFF_CLIENT_ID)' \
		OIDC_PROVIDER_STAFF_CLIENT_SECRET='$(OIDC_STAFF_CLIENT_SECRET)' \
		OIDC_RP_BASE_URLS='$(OIDC_RP_BASE_URLS)' \
		node deploy/oidc-provider/server.mjs

test: install
	@# The lead commits compiled .mo files; recompile only where gettext is installed and .po files exist.
	@if ! command -v msgfmt >/dev/null 2>&1; then \
		echo "msgfmt (gettext) is missing: using the committed .mo files"; \
	elif [ -n "$$(find . -path ./.venv -prune -o -path ./node_modules -prune -o -name '*.po' -print -quit)" ]; then \
		$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=staticfiles >/dev/null; \
	fi
	@# Exit code 5 is pytest's "no tests collected", e.g. for a -k that matches nothing: not a failure.
	$(PYTEST) $(PYTEST_PARALLEL) $(PYTEST_CLOCK) $(PYTEST_ARGS) || { status=$$?; [ $$status -eq 5 ] && echo "pytest collected no tests" || exit $$status; }

lint: $(PIP_STAMP)
	$(PY) -m ruff check .

# The load test (bench/README.md, «The load test»): PostgreSQL on 127.0.0.1:5432, two gunicorns, two senders,
# Locust for 60 s, then the exactly-once check. About 3 minutes; the database koordinator_load is dropped.
loadtest: $(PIP_STAMP)
	@[ -x $(VENV)/bin/locust ] || $(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]' 2>&1 | $(PIP_FILTER)
	bench/loadtest/run

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var/*.sqlite3 *.egg-info

# Backup and restore of a PostgreSQL database (README, «Backup and restore»). The database is DATABASE_URL from the
# environment; the recipes are not echoed, so a password in a URL is not printed.
#   make backup [DIR=var/backups]                 a pg_dump archive and its .sha256 in DIR
#   make restore FILE=….dump [TARGET=postgres://…/name] [REPLACE=1]   into a NEW database (TARGET or DATABASE_URL)
.PHONY: backup restore

backup:
	@scripts/backup $(if $(DIR),--dir '$(DIR)')

restore:
	@[ -n '$(FILE)' ] || { echo "usage: make restore FILE=var/backups/koordinator-….dump [TARGET=postgres://…/name] [REPLACE=1]" >&2; exit 2; }
	@scripts/restore $(if $(filter 1,$(REPLACE)),--replace) '$(FILE)' $(if $(TARGET),'$(TARGET)')
