# Two entry points for a fresh machine (Python 3.11+ and make, nothing else):
#   make run    opens wfplan on the built-in demo data
#   make test   runs the whole test suite
# and, for developers, `make lint`: ruff, mypy and the import contracts (CI runs it first).
# Both create .venv and install wfplan into it on first use; later runs reinstall only
# when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

run: $(STAMP)
	$(BIN)/wfplan

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (E, F, I, B, UP), mypy (strict for queries/) and the import contracts of pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check queries tui tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The benchmark suite (bench/README.md); BENCH_ARGS=--quick for a short smoke run.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wfplan needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
