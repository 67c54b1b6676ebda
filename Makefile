# One entry point for every task. `make demo` and `make test` install into .venv on their own.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SPEC := spec/suprsend.yaml
GENERATED := src/suprsend_typed/_generated
PYTEST_ARGS ?=

.PHONY: install generate check-generated lint typecheck test test-fast demo bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

generate: $(STAMP)
	$(PY) -m codegen --spec $(SPEC) --out $(GENERATED) --docs docs/api.md

check-generated: $(STAMP)
	$(PY) -m codegen --spec $(SPEC) --check $(GENERATED) --docs docs/api.md

lint: $(STAMP)
	$(PY) -m ruff check src codegen tests examples

typecheck: $(STAMP)
	$(PY) -m mypy --strict src/suprsend_typed
	$(PY) -m mypy --strict tests/typing

# worksteal: a worker that runs out of tests takes queued ones from the other (test durations differ widely).
test: $(STAMP) check-generated lint typecheck
	$(PY) -m pytest -q -n 2 --dist worksteal tests $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -x tests

demo: $(STAMP)
	$(PY) examples/run_demo.py

bench: $(STAMP)
	$(PY) -m pip install --quiet suprsend-py-sdk==0.20.0
	$(PY) -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
