# Two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-test run serve index test eval bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch first: pip then takes the CPU wheel on this machine's disk instead of a CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

index: install
	$(PY) -m assistant index

run: install
	$(PY) -m assistant index
	$(PY) -m assistant serve

serve: run

# Tests run in a network namespace with only loopback (when unshare is allowed, as root on
# CI), so any code path that tries to download fails loudly; the audit-hook guard in
# tests/conftest.py covers machines where unshare is not available.
OFFLINE := $(shell unshare -n true 2>/dev/null && command -v ip >/dev/null && echo yes)
ifeq ($(OFFLINE),yes)
RUN_OFFLINE := unshare -n sh -c 'ip link set lo up && exec "$$0" "$$@"'
endif

# Lint, format and type checks first: they take seconds and fail before a ten-minute suite does.
test: install-test
ifeq ($(REQUIRE_OFFLINE),1)
ifneq ($(OFFLINE),yes)
	$(error REQUIRE_OFFLINE=1 but a loopback-only network namespace cannot be made here (needs unshare -n and ip); refusing to run the tests with the network reachable)
endif
endif
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(RUN_OFFLINE) $(PY) -m pytest -q

eval: install
	$(PY) -m assistant eval retrieval
	$(PY) -m assistant eval qa
	$(PY) -m assistant eval users

bench: install
	$(PY) evals/benchmark.py

clean:
	rm -rf index/chroma index/*.sqlite3 index/*.json
