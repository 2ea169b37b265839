# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install run sample test lint bench clean browser-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SAMPLE)/sample.json: | $(STAMP)
	$(BIN)/monitor sample --out $(SAMPLE)

sample: $(SAMPLE)/sample.json

# The sample runs in explicit sample mode (demo key, FTE beside the inbox); never inferred.
run: $(STAMP) $(SAMPLE)/sample.json
	MONITOR_SAMPLE_MODE=true $(BIN)/monitor run --inbox $(SAMPLE)/inbox
	$(BIN)/monitor verify --sample $(SAMPLE)

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Open the Data Docs site, one employer feedback page and the report in headless Chromium
# (Debian package `chromium`): fails on any console error or failed load, saves screenshots.
browser-check: $(STAMP)
	$(BIN)/python scripts/browser_check.py data/reports/datadocs/index.html \
		$$(ls data/feedback/*/*.html | head -n 1) \
		$$(ls data/reports/rapport/index.html 2>/dev/null) \
		--screenshots data/reports/screenshots

bench: $(STAMP)
	$(BIN)/python bench/nightly.py

clean:
	rm -rf $(SAMPLE) data/warehouse data/reports data/feedback
