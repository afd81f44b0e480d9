# Newsdesk: `make demo` to try it, `make test` to test it.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_IMPORT ?=
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15
export HOST PORT

.PHONY: demo serve test test-sqlite test-postgres services system-packages node-packages editor-vendor bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/newsdesk migrate --noinput -v 0
	$(BIN)/newsdesk load_demo
	@# A file that fails to import is reported; the demo starts all the same.
	@if [ -n "$(DEMO_IMPORT)" ]; then $(BIN)/newsdesk import $(DEMO_IMPORT) || true; fi
	$(BIN)/newsdesk serve --demo

serve: $(VENV)/.installed
	$(BIN)/newsdesk serve

# Debian packages the browser checks and benchmarks drive (installed when missing).
system-packages:
	@bash scripts/ensure-system-packages

# Nu validator, axe-core and Lighthouse, pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-packages: node_modules/.installed

# The newsroom's editor (ProseMirror) as one committed script, rebuilt from the versions pinned
# in package-lock.json; its style sheet and the licences go beside it.
EDITOR_VENDOR := newsdesk/newsroom/static/newsroom/vendor
editor-vendor: node_modules/.installed
	node_modules/.bin/esbuild newsdesk/newsroom/static_src/prosemirror.mjs --bundle --minify --format=iife \
		--global-name=ProseMirror --target=es2020 --legal-comments=none --outfile=$(EDITOR_VENDOR)/prosemirror.js
	cp node_modules/prosemirror-view/style/prosemirror.css node_modules/prosemirror-gapcursor/style/gapcursor.css $(EDITOR_VENDOR)/
	for p in model state view transform commands keymap history schema-list inputrules dropcursor gapcursor; do \
		echo "== prosemirror-$$p $$(node -p "require('./node_modules/prosemirror-$$p/package.json').version")"; \
		cat node_modules/prosemirror-$$p/LICENSE; echo; done > $(EDITOR_VENDOR)/LICENSES.txt
	for p in orderedmap rope-sequence w3c-keyname; do \
		echo "== $$p $$(node -p "require('./node_modules/$$p/package.json').version")"; \
		cat node_modules/$$p/LICENSE; echo; done >> $(EDITOR_VENDOR)/LICENSES.txt

services:
	@bash scripts/ensure-services

test: $(VENV)/.installed-test system-packages node-packages services
	@bash scripts/run-tests

bench: $(VENV)/.installed-test system-packages services
	@bash bench/run

clean:
	rm -rf $(VENV) node_modules var/test*.sqlite3*

# Fault runs with figures: a killed worker, PostgreSQL and Redis stopped, a full disk
# (pytest -m reliability); their figures become docs/reliability.md.
.PHONY: reliability
reliability: $(VENV)/.installed-test system-packages node-packages services
	@bash scripts/run-reliability
