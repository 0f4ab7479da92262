# The two commands of the README: `make up` and `make test`.
# Everything they need is installed by them; nothing is assumed on the machine but python3.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JS_DIR := tests/interop/js
NODE_MIN := 20
# A Node.js installed by `make test` when the machine's is older than NODE_MIN (Debian bookworm ships 18):
# the npm registry's node-linux-<arch> package, put first on PATH for every recipe.
NODE_DIR := .node
export PATH := $(CURDIR)/$(NODE_DIR)/bin:$(PATH)

.PHONY: up test install install-test lint typecheck pytest bench clean screenshots conformance

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make up: create the virtual environment if missing, install, start the services (Ctrl-C stops them)
PORT ?= 8000
up: install
	$(BIN)/ler up --port $(PORT)

## make test: install what the tests need (pip, npm, Debian packages), then the one quality gate
test: install-test lint typecheck pytest

install-test: install
	@missing=""; \
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "will install Node.js and npm (Debian packages) for the interoperability tests"; missing="$$missing nodejs npm"; }; \
	test -x /usr/lib/postgresql/15/bin/initdb || { \
	  echo "will install PostgreSQL 15 (Debian package) for the issuer's PostgreSQL store tests"; missing="$$missing postgresql"; }; \
	test -x /usr/bin/chromium || { \
	  echo "will install Chromium (Debian package) for the browser tests; Playwright never downloads one"; missing="$$missing chromium"; }; \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@major=$$(node -p 'process.versions.node.split(".")[0]'); \
	if [ "$$major" -lt $(NODE_MIN) ]; then \
	  arch=$$(node -p process.arch); \
	  echo "Node.js $$major is older than $(NODE_MIN): installing node-linux-$$arch@20.20.2 from the npm registry into $(NODE_DIR)/"; \
	  npm install --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error node-linux-$$arch@20.20.2 && \
	  mkdir -p $(NODE_DIR)/bin && ln -sf ../node_modules/node-linux-$$arch/bin/node $(NODE_DIR)/bin/node && \
	  rm -rf $(JS_DIR)/node_modules; \
	fi
	@if [ ! -d $(JS_DIR)/node_modules ] || [ $(JS_DIR)/package-lock.json -nt $(JS_DIR)/node_modules ]; then \
	  echo "installing the independent JavaScript implementations (npm ci)"; \
	  cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy vckit servicekit issuer wallet verifier landing demo ler

pytest: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/selective.py

## make conformance: the W3C conformance suites against our services (conformance/README.md).
## Not part of `make test`: the suites are other people's code, cloned from GitHub by
## `conformance/run.sh setup`; without them this prints how to get them.
conformance: install
	@if [ ! -d conformance/suites/vc-di-eddsa-test-suite/node_modules ]; then \
	  echo "The conformance suites are not set up. Once, with GitHub and the npm registry reachable:"; \
	  echo "  conformance/run.sh setup"; \
	  echo "then again: make conformance   (or see conformance/README.md and docs/CONFORMANCE.md)"; \
	else \
	  started=""; conformance/services.sh status >/dev/null 2>&1 || { conformance/services.sh start && started=1; }; \
	  conformance/run.sh test; status=$$?; conformance/run.sh report || status=1; \
	  [ -z "$$started" ] || conformance/services.sh stop; \
	  exit $$status; \
	fi

screenshots: install-test
	LER_SCREENSHOTS=examples/screenshots $(BIN)/pytest -q tests/browser

clean:
	rm -rf $(VENV) $(NODE_DIR) $(JS_DIR)/node_modules .pytest_cache .mypy_cache .ruff_cache
