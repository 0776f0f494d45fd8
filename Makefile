# Every target creates .venv and installs the project on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat chat-reset run web test check lint bench score

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/python -m bot chat

# Start the offline chat afresh: its requests count against the limit of open requests.
chat-reset: $(STAMP)
	$(BIN)/python -m bot chat --reset

web: $(STAMP)
	$(BIN)/python -m bot web

run: $(STAMP)
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy

score: $(STAMP)
	$(BIN)/python ../shared/eval/score.py -- $(BIN)/python -m bot ask

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_matching.py

check: lint test $(STAMP)
	$(BIN)/python -m bot check
	@if [ -f ../shared/eval/score.py ]; then $(MAKE) --no-print-directory score; fi
