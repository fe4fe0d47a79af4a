# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SPARK_LOCAL_IP ?= 127.0.0.1

.PHONY: demo test install lint messages bench-search bench-quote bench-load bench-import bench-grants bench-pages clean-demo

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund  # htmx for the pages, axe-core for the browser tests
	touch $(STAMP)

install: $(STAMP)

## Set up everything, load the demo data (safe to repeat) and serve on http://127.0.0.1:8000
demo: $(STAMP)
	CLEARINGHOUSE_DATA_DIR=$${CLEARINGHOUSE_DATA_DIR:-data} $(BIN)/clearinghouse demo

## Run the whole test suite (SQLite and a throwaway PostgreSQL 15 cluster)
test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/clearinghouse

bench-search: $(STAMP)
	$(BIN)/python -m bench.search

bench-quote: $(STAMP)
	$(BIN)/python -m bench.quote

bench-load: $(STAMP)
	$(BIN)/python -m bench.load

bench-import: $(STAMP)
	$(BIN)/python -m bench.import

clean-demo:
	rm -rf data

bench-grants: $(STAMP)
	$(BIN)/python -m bench.grants

bench-pages: $(STAMP)
	$(BIN)/python -m bench.pages

## Extract the web pages' messages and merge them into the Chinese catalogue (docs/web.md)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d src/clearinghouse/web/locale -l zh --no-fuzzy-matching --width 100
	rm messages.pot
