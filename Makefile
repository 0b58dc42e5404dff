# One Makefile for people and CI. `make test` sets up everything on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install tools chart-schema run test lint typecheck pytest bench bench-recall bench-latency bench-stream bench-freshness bench-evolution bench-truth bench-llm clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) tools

# promtool and prometheus for tests/deploy, chromium for tests/ui: Debian's packages,
# installed when missing
# (CI runs as root; elsewhere through sudo).
tools:
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; }
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# Regenerate the chart's values schema after a change to memoryd/config.py.
chart-schema: $(STAMP)
	$(PY) scripts/chart_schema.py

# The embedded default: memoryd with its own nats-server and Qdrant Edge under ./.memoryd,
# the HTTP API on 127.0.0.1:8787 and NATS on 127.0.0.1:4222. Ctrl-C stops it cleanly.
run: $(STAMP)
	$(VENV)/bin/memoryd up --data-dir .memoryd

test: lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check memoryd tests bench scripts

typecheck: $(STAMP)
	$(VENV)/bin/mypy memoryd

pytest: $(STAMP) tools
	$(PY) -m pytest

bench: bench-recall bench-latency bench-stream bench-freshness bench-evolution bench-truth

bench-recall: $(STAMP)
	$(PY) bench/locomo_recall.py

bench-latency: $(STAMP)
	$(PY) bench/retrieve_latency.py

bench-stream: $(STAMP)
	$(PY) bench/stream_throughput.py

bench-freshness: $(STAMP)
	$(PY) bench/snapshot_freshness.py

bench-evolution: $(STAMP)
	$(PY) bench/evolution.py

bench-truth: $(STAMP)
	$(PY) bench/truth.py

# Not in `bench`: it installs mem0ai (the `bench` extra) to run it side by side.
bench-llm: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/llm_cost.py

clean:
	rm -rf $(VENV) .memoryd .pytest_cache .mypy_cache .ruff_cache
