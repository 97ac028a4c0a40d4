# The commands a person types. `make serve` and `make test` create the environment
# from uv.lock when it is missing; uv itself is bootstrapped with pip if absent.
# No Python interpreter is ever downloaded: the one on PATH (3.11+) is used.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
UV ?= $(shell command -v uv 2>/dev/null || echo .bootstrap/bin/uv)
RUN := $(UV) run --locked --no-sync
PYTEST_WORKERS ?= auto

export UV_PYTHON_DOWNLOADS := never
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0
# MLflow sends usage telemetry unless told not to; nothing here may reach the network.
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: help env serve build bundle preview dist sbom test exercise lint format update-examples diagrams bench audit vendor clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

.bootstrap/bin/uv:
	$(PYTHON) -m venv .bootstrap
	.bootstrap/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --8<-- [start:env]
.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --compile-bytecode --python "$$(command -v $(PYTHON))"
	@touch $@
# --8<-- [end:env]

env: .venv/.synced ## Create or update the environment from uv.lock

serve: env ## Serve the guide on http://127.0.0.1:8000
	$(RUN) mkdocs serve --dev-addr 127.0.0.1:8000

build: env ## Build the site into site/ (strict: any warning fails), the notebook pages' shared stylesheet, the print page's footnotes, its search index and a notebook per page
	$(RUN) mkdocs build --strict
	$(RUN) python -m tools.notebook_css site
	$(RUN) python -m tools.print_page site
	$(RUN) python -m pagefind --site site --quiet
	$(RUN) python -m tools.notebooks site

bundle: build ## The guide for reading offline: dist/guide-offline/ (opens from disk; search needs a server) and dist/guide-offline.zip
	$(RUN) python -m tools.bundle site dist

preview: build ## Serve the built site, search included, on http://127.0.0.1:8000
	$(RUN) python -m http.server --bind 127.0.0.1 --directory site 8000

dist: env ## Build the reference system's wheel and sdist into dist/ (the locked hatchling, offline)
	$(UV) build --wheel --sdist --no-build-isolation --offline --python .venv/bin/python --out-dir dist

SBOM ?= reports/sbom.cdx.json

sbom: | $(UV) ## Write the image's software bill of materials (CycloneDX) from uv.lock to reports/
	$(UV) export --frozen --no-default-groups --format cyclonedx1.5 --quiet -o $(SBOM)

exercise: env ## Check your answer to a chapter's exercise: make exercise NAME=skills/caching_and_batching
	@test -n "$(NAME)" -a -f "exercises/$(NAME)/test_exercise.py" || { \
	  echo "no exercise $(or $(NAME),named: give NAME=<part>/<chapter>); see exercises/README.md" >&2; exit 2; }
	@$(RUN) pytest -p no:cacheprovider -q exercises/$(NAME)

lint: env ## Lint snippets/, tests/ and benchmarks/ with ruff
	$(RUN) ruff check snippets tests benchmarks tools extensions exercises
	$(RUN) ruff format --check snippets tests benchmarks tools extensions exercises

format: env ## Format snippets/, tests/ and benchmarks/ with ruff
	$(RUN) ruff check --fix snippets tests benchmarks tools extensions exercises
	$(RUN) ruff format snippets tests benchmarks tools extensions exercises

test: lint ## Run every check: examples, snippets, notebooks, validators, strict build
	$(RUN) pytest -n $(PYTEST_WORKERS) --cov --cov-report=term

update-examples: env ## Rewrite `#>` outputs, stored notebook outputs, install boxes, exercise boxes, "last verified" versions and the MLflow UI screenshot
	$(RUN) pytest tests/test_docs.py tests/test_notebooks.py --update-examples
	UPDATE_SCREENSHOTS=1 $(RUN) pytest tests/browser/test_mlflow_ui.py
	$(RUN) python -m tools.install_lines
	$(RUN) python -m tools.exercises

diagrams: env ## Redraw docs/generated/diagrams/ from the pages' ```mermaid fences (needs Chromium)
	$(RUN) python -m tools.diagrams

bench: env ## Run the benchmarks; print a table and write reports/bench.md
	$(RUN) python -m benchmarks

audit: env ## Audit the site in Chromium: page weight, Lighthouse (npx); write reports/audit.md. ALL=1 runs Lighthouse on every page, SUITE=1 also times the tests
	$(RUN) python -m benchmarks.site_audit $(if $(ALL),--all) $(if $(SUITE),--suite)

vendor: ## Refresh docs/assets/vendor/ and tools/vendor/ from package-lock.json (needs npm)
	npm ci --ignore-scripts --no-audit --no-fund
	cp node_modules/mermaid/dist/mermaid.min.js node_modules/mermaid/LICENSE tools/vendor/mermaid/
	cp node_modules/tablesort/dist/tablesort.min.js node_modules/tablesort/dist/sorts/tablesort.number.min.js \
	  node_modules/tablesort/LICENCE docs/assets/vendor/tablesort/

clean: ## Remove the environment, build output and caches
	rm -rf .venv .bootstrap site dist reports .cache .pytest_cache .ruff_cache .coverage .coverage.*
