# The two commands a newcomer needs are `make dev` and `make test`; both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
TOOLS := $(CURDIR)/.cache/tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
export PYTHONPATH := $(CURDIR)
export UV_LINK_MODE := copy
RUN := $(UV) run --frozen
STACK := $(RUN) python -m deploy.local.stack

SIZE ?= 100000
PROFILE ?= dev

.PHONY: help install dev test bench lint schema seed clean

help:
	@echo "make dev     start PostgreSQL, Valkey, Kafka, the subgraphs and the router; load demo data"
	@echo "make test    run every test against real services (started and stopped for you)"
	@echo "make bench   load $(SIZE)+ products and print the benchmark report"
	@echo "make lint    ruff, mypy --strict and the import contracts (layers)"
	@echo "make schema  export subgraph SDLs, compose schema/supergraph.graphql, register trusted documents"
	@echo "make seed    SIZE=1000000 [PROFILE=dev|bench]: load a large catalogue with COPY"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

router/node_modules/.installed: router/package.json router/package-lock.json
	npm ci --prefix router --no-audit --no-fund --loglevel=error
	@touch $@

rest/node_modules/.installed: rest/package.json rest/package-lock.json
	npm ci --prefix rest --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

install: .venv/.installed router/node_modules/.installed rest/node_modules/.installed

dev: install
	$(STACK) run --profile dev -- $(RUN) python -m deploy.local.dev

test: install
	$(STACK) run --profile test -- bash deploy/local/run-tests.sh

bench: install
	$(STACK) run --profile bench -- $(RUN) python -m bench.run

seed: install
	$(STACK) run --profile $(PROFILE) -- $(RUN) python -m subgraphs.products.entrypoints.seed --size $(SIZE)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) lint-imports

schema: install
	$(RUN) python -m subgraphs.export_schema
	$(RUN) python -m subgraphs.contracts.registry
	node router/compose.mjs
	node rest/operations.mjs --write
	node router/trusted-documents.mjs
	node rest/openapi.mjs --write

clean:
	-$(STACK) stop --profile test
	-$(STACK) stop --profile faults
	rm -rf .data/test .data/faults
