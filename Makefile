# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install run sample test lint bench clean browser-check

# Our modules are compiled as pip compiles what it installs: an editable install leaves them to
# their first import, which PYTHONDONTWRITEBYTECODE keeps from writing them (every process of
# every night would compile them again).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q schemas connectors pipeline portal flows
	touch $(STAMP)

install: $(STAMP)

$(SAMPLE)/sample.json: | $(STAMP)
	$(BIN)/monitor sample --out $(SAMPLE)

sample: $(SAMPLE)/sample.json

# The sample runs in explicit sample mode (demo key, FTE beside the inbox); never inferred.
# The sample names its first expected quarter (MONITOR_START_PERIODE) in its manifest.
START_PERIODE = $$($(BIN)/python -c "import json; print(json.load(open('$(SAMPLE)/sample.json'))['start_periode'])")

run: $(STAMP) $(SAMPLE)/sample.json
	MONITOR_SAMPLE_MODE=true MONITOR_START_PERIODE=$(START_PERIODE) $(BIN)/monitor run --inbox $(SAMPLE)/inbox
	$(BIN)/monitor verify --sample $(SAMPLE)

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Open the Data Docs site, one employer feedback page and the report in headless Chromium
# (Debian package `chromium`, driven by Playwright): fails on any console error or failed load,
# saves screenshots; then the portal's browser journey, its screenshots beside them.
browser-check: $(STAMP)
	$(BIN)/python scripts/browser_check.py data/reports/datadocs/index.html \
		$$(ls data/feedback/*/*.html | head -n 1) \
		$$(ls data/reports/rapport/index.html 2>/dev/null) \
		--screenshots data/reports/screenshots
	MONITOR_SCREENSHOTS=$(CURDIR)/data/reports/screenshots $(BIN)/pytest -q -p no:cacheprovider \
		tests/portal/test_browser.py

bench: $(STAMP)
	$(BIN)/python bench/nightly.py

clean:
	rm -rf $(SAMPLE) data/warehouse data/reports data/feedback
