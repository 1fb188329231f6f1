# Every target creates .venv from requirements.lock when it is missing or stale.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Benchmark size: 332 is the issue's national-decade scale (~10 million police rows, 2012-2026);
# `make bench SCALE=2` for a quick look.
SCALE  ?= 332

.PHONY: demo test bench ui clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pcmd demo

test: $(STAMP)
	$(BIN)/pytest -n 2

bench: $(STAMP)
	$(BIN)/python -m pipelines.bench --scale $(SCALE)

ui: $(STAMP)  ## the Dagster UI on http://127.0.0.1:3000 (make ui PORT=3001 for another port)
	$(BIN)/pcmd ui --port $(or $(PORT),3000)

clean:
	rm -rf $(VENV) warehouse/*
