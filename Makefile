# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install run sample test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SAMPLE)/sample.json: | $(STAMP)
	$(BIN)/monitor sample --out $(SAMPLE)

sample: $(SAMPLE)/sample.json

run: $(STAMP) $(SAMPLE)/sample.json
	$(BIN)/monitor run --inbox $(SAMPLE)/inbox
	$(BIN)/monitor verify --sample $(SAMPLE)

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/nightly.py

clean:
	rm -rf $(SAMPLE) data/warehouse data/reports data/feedback
