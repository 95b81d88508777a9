# Vestibule: `make run` and `make test` install what is missing, then build,
# serve or test. Every tool is pinned; each install step is skipped when the
# right version is already there.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
BINARYEN_VERSION := 132
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
AIOSMTPD_VERSION := 1.4.6

# Build artefacts live outside the clone so fresh clones share them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/vestibule/target
TOOLS_DIR := $(HOME)/.cache/vestibule/tools
# aiosmtpd (the SMTP server of the mail test) is installed here, with the very
# python3 the test runs, and handed to the test by this variable: no pip of
# another interpreter, no system site-packages involved.
PYTHON_DIR := $(TOOLS_DIR)/python
export VESTIBULE_TEST_PYTHONPATH := $(PYTHON_DIR)
export PATH := $(HOME)/.cargo/bin:$(TOOLS_DIR)/node_modules/.bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export LEPTOS_SITE_ROOT := target/site
TEST_RUSTFLAGS := --cfg erase_components
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help tools run demo build test test-rust test-e2e lint bench clean-data

help:
	@echo "make run    build (release) and serve at http://127.0.0.1:3000 on SQLite"
	@echo "make demo   like make run, after filling an empty database with demo people and groups"
	@echo "make test   every test: unit, integration (SQLite + PostgreSQL), Playwright"
	@echo "make lint   cargo fmt --check and clippy -D warnings"
	@echo "make bench  release server + wrk load numbers (see bench/run.sh)"

## Tools ---------------------------------------------------------------------

tools: .tools-rust .tools-node .tools-system

.tools-rust:
	@rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
		echo "installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 13 minutes, once)"; \
		cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked; fi
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; fi

.tools-node:
	@mkdir -p $(TOOLS_DIR)
	@if ! [ -x $(TOOLS_DIR)/node_modules/.bin/wasm-opt ] || ! grep -q '"version": "$(BINARYEN_VERSION)' $(TOOLS_DIR)/node_modules/binaryen/package.json; then \
		echo "installing wasm-opt (npm binaryen@$(BINARYEN_VERSION))"; \
		npm install --silent --no-audit --no-fund --prefix $(TOOLS_DIR) binaryen@$(BINARYEN_VERSION); fi
	@if ! [ -d end2end/node_modules/@playwright/test ]; then \
		(cd end2end && npm ci --silent --no-audit --no-fund); fi

.tools-system:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
	@PYTHONPATH=$(PYTHON_DIR) python3 -c 'import aiosmtpd' 2>/dev/null || \
		python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade --target $(PYTHON_DIR) aiosmtpd==$(AIOSMTPD_VERSION)

## Build and run ---------------------------------------------------------------

build: tools
	cargo leptos build --release --split

run: build
	@mkdir -p data
	$(CARGO_TARGET_DIR)/release/vestibule serve

# `make run` with demo people and groups: seeds data/vestibule.db only when it
# has no accounts yet (seed-demo refuses a database that has some).
demo: build
	@mkdir -p data
	@$(CARGO_TARGET_DIR)/release/vestibule seed-demo || echo "(not seeded: the database already has accounts)"
	$(CARGO_TARGET_DIR)/release/vestibule serve

## Tests ---------------------------------------------------------------------

# PostgreSQL tests run whenever a server answers; with VESTIBULE_REQUIRE_POSTGRES=1
# a missing server fails them instead of skipping.
test: tools
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-rust; \
	$(MAKE) --no-print-directory test-e2e; \
	echo "make test: all green in $$(( $$(date +%s) - start )) s"

test-rust:
	@if [ -z "$${TEST_POSTGRES_URL:-}" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		export TEST_POSTGRES_URL=$(PG_URL) VESTIBULE_REQUIRE_POSTGRES=1; \
		echo "PostgreSQL answers at 127.0.0.1:5432: its tests run"; \
	else echo "PostgreSQL tests: $${TEST_POSTGRES_URL:-no server answers; they will SKIP loudly}"; fi; \
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --features ssr -- --test-threads=4

test-e2e: build
	@bash end2end/run.sh

lint:
	cargo fmt --check
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --all-targets --features ssr -- -D warnings

bench: build
	@bash bench/serve-and-run.sh

clean-data:
	rm -rf data
