# One Makefile for people and CI. `make test` sets up everything on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint typecheck pytest bench bench-recall bench-latency clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check memoryd tests bench scripts

typecheck: $(STAMP)
	$(VENV)/bin/mypy memoryd

pytest: $(STAMP)
	$(PY) -m pytest

bench: bench-recall bench-latency

bench-recall: $(STAMP)
	$(PY) bench/locomo_recall.py

bench-latency: $(STAMP)
	$(PY) bench/retrieve_latency.py

clean:
	rm -rf $(VENV) .memoryd .pytest_cache .mypy_cache .ruff_cache
