# Every target creates .venv from requirements.lock when it is missing or stale.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCALE  ?= 1000

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
	@echo "make bench: the benchmark arrives with issue 6 (benchmark at national-decade scale)."

ui: $(STAMP)
	$(BIN)/pcmd ui

clean:
	rm -rf $(VENV) warehouse/*
