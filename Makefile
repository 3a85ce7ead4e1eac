# SLM Observatory. `make demo` and `make test` are the two set-up commands of a fresh machine:
# each creates the environment from uv.lock first.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := warehouse/demo

# Telemetry off everywhere: dbt, huggingface_hub and Dagster never phone home.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export HF_HUB_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1

.PHONY: env chromium system-deps docs demo test check check-tests validate lint lint-python lint-changed format dev dev-demo rebuild sql clean bench

# Bytecode compiled at install, as the Dockerfile does: where PYTHONDONTWRITEBYTECODE is set (these
# machines set it), Python never caches what it compiles, so every process (each dbt invocation,
# each run worker) would compile dagster's and dbt's modules again at import. The Makefile is a
# prerequisite: an environment built by an earlier recipe is synced again by this one.
$(BIN)/python: pyproject.toml uv.lock Makefile
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --compile-bytecode
	@touch $@

env: $(BIN)/python

demo: env
	$(BIN)/python -m orchestration.demo --warehouse-dir $(DEMO_DIR)

# Headless Chromium for tests/browser: Debian's package (Playwright's own browser download is
# unreachable). Installed when running as root with apt; otherwise those tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: tests/browser will skip (Debian: sudo apt-get install chromium)"; fi; }

# tests/deploy starts a PostgreSQL server of its own and runs `docker compose config` (no Docker
# engine): Debian's server binaries, and Compose v1 where the v2 plugin is absent.
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    || ! { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; }; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql docker-compose >/dev/null; \
	  else echo "tests/deploy will skip: as root, apt-get install -y postgresql docker-compose"; fi; \
	fi

# Two workers (the machines have 2 cores): a folder's tests stay together (tests/conftest.py),
# and the long process-killing and pipeline tests of one folder overlap those of another. The
# folders go out heaviest first (GROUPS_HEAVIEST_FIRST in tests/conftest.py), so both workers end
# together: `--no-loadscope-reorder` keeps that order (xdist would sort by number of tests).
# The whole suite, every tier; CI runs it with SLM_OBS_STRICT_ENV=1 (.ci/run): no test may skip.
test: env chromium system-deps
	$(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder

# The fast tier, for every change: lint (the SQL the change touches), the Definitions load, and
# the tests marked `check` (pure Python, dbt's unit tests, the simulated Hub's API), side by side.
check: env
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint-changed validate check-tests

# Only the fast tier's files are collected (CHECK_TIER, tests/conftest.py): collecting the whole
# suite to deselect most of it costs each worker seconds of imports.
check-tests: env
	$(BIN)/pytest -m check -n 2 --dist loadgroup \
	  $$($(BIN)/python -c "from tests.conftest import CHECK_TIER; print(*('tests/' + p for p in CHECK_TIER))")

validate: env
	$(BIN)/dagster definitions validate

lint: lint-python
	$(BIN)/sqlfluff lint dbt_project --processes 2

lint-python: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# What `make check` lints: all the Python (ruff takes a second), and the SQL files changed since
# the branch left main (committed, staged, unstaged or new); every SQL file when a macro, a test
# macro or the linter's configuration changed, since those change how every file renders.
# `make lint` and `make test` (tests/dbt/test_sql_style.py) lint every file.
SQL_BASE = $$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD)
lint-changed: lint-python
	@changed=$$({ git diff --name-only --diff-filter=d $(SQL_BASE); \
	  git ls-files --others --exclude-standard; } | sort -u); \
	if echo "$$changed" | grep -qE '^(dbt_project/(macros|sqlfluff_libs|tests/generic)/|\.sqlfluff)'; then \
	  echo "sqlfluff: macros or linter config changed, linting every file"; \
	  $(BIN)/sqlfluff lint dbt_project --processes 2; \
	else \
	  sql=$$(echo "$$changed" | grep -E '^dbt_project/.*\.sql$$' || true); \
	  if [ -n "$$sql" ]; then $(BIN)/sqlfluff lint $$sql; else echo "sqlfluff: no SQL changed since main"; fi; \
	fi

format: env
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix dbt_project

# The Dagster UI on 127.0.0.1:3000 over the live Hub and warehouse/.
dev: env
	$(BIN)/python -m orchestration.dev

# The same UI over the simulated Hub and the demo warehouse (run `make demo` first for history).
dev-demo: env
	$(BIN)/python -m orchestration.dev --demo --warehouse-dir $(DEMO_DIR)

# dbt's documentation of every model and column, with the catalog of DOCS_WAREHOUSE's serving copy
# (default: the demo's), as one self-contained page: dbt_project/target/docs/static_index.html.
# dbt opens its file for writing: it gets a copy of the serving copy (never written in place, so
# a plain copy is whole), and neither a run nor a user's session is in its way.
DOCS_WAREHOUSE ?= $(DEMO_DIR)
DOCS_CATALOG_DIR := dbt_project/target/docs-catalog
docs: env
	@test -f $(DOCS_WAREHOUSE)/observatory-serving.duckdb || { \
	  echo "no serving copy in $(DOCS_WAREHOUSE): run make demo (or a daily run) first"; exit 1; }
	mkdir -p $(DOCS_CATALOG_DIR)
	cp $(DOCS_WAREHOUSE)/observatory-serving.duckdb $(DOCS_CATALOG_DIR)/observatory.duckdb
	SLM_OBS_WAREHOUSE_DIR=$(abspath $(DOCS_CATALOG_DIR)) $(BIN)/dbt docs generate --static \
	  --project-dir dbt_project --profiles-dir dbt_project --target-path target/docs
	@echo "open dbt_project/target/docs/static_index.html"

# Recreate the DuckDB file of WAREHOUSE (default: the live one) from its Parquet archive.
WAREHOUSE ?= warehouse
rebuild: env
	$(BIN)/python -m orchestration.rebuild --warehouse-dir $(WAREHOUSE)

# A read-only SQL session on WAREHOUSE's serving copy (default: the live one; the demo's:
# `make sql WAREHOUSE=warehouse/demo`), safe while runs write: the DuckDB CLI if on PATH, else a
# Python shell (orchestration/sql_shell.py).
sql: env
	$(BIN)/python -m orchestration.sql_shell --warehouse-dir $(WAREHOUSE)

# The benchmarks on the simulated Hub: bench/results.json and bench/results.md (about 17 minutes
# on 2 shared cores, under the 20-minute target; README "Performance"). `$(BIN)/python -m bench
# --quick` is a smaller run.
bench: env
	$(BIN)/python -m bench

clean:
	rm -rf $(DEMO_DIR) dbt_project/target dbt_project/logs
