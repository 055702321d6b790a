# chipgraph: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck assets browser bench clean

# --- setup --------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

# locally served front-end assets (YASGUI, Swagger UI): no CDN at run time
assets: $(VENV)/.installed
	@if [ -x scripts/install_assets.sh ]; then scripts/install_assets.sh; fi

# headless Chromium for the page tests (Debian package); installed when possible
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found: browser tests will be skipped (sudo apt-get install chromium)"; fi; }

# --- the main job: build the graph from seeds/ and serve it ------------------------
run: $(VENV)/.installed assets
	$(BIN)/chipgraph build
	$(BIN)/chipgraph serve

# --- tests ----------------------------------------------------------------------
lint: $(VENV)/.installed
	$(BIN)/ruff check graph api tests bench
	$(BIN)/ruff format --check graph api tests bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy
	$(BIN)/python -m graph.ontology --check

test: $(VENV)/.installed assets browser lint typecheck
	$(BIN)/pytest

bench: $(VENV)/.installed assets
	$(BIN)/python -m bench

clean:
	rm -rf data/store data/store.snapshots viz .pytest_cache .mypy_cache .ruff_cache
