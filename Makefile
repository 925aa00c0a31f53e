# Entry points: `make run` (the app on the demo workspace), `make test` (the suite) and `make test-systemd`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the project's bytecode, as pip writes it for an installed package (an editable install does not, and where
# PYTHONDONTWRITEBYTECODE is set every start would compile the project from source); quick when up to date
BYTECODE := $(BIN)/python -m compileall -q amx_core amx_cli amx_tui

$(STAMP): pyproject.toml
	@echo "Setting up .venv (first run: installs AMX and its dependencies, about a minute)..."
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BYTECODE)
	touch $(STAMP)

.PHONY: run test test-systemd bench lint
run: $(STAMP)
	@$(BYTECODE)
	$(BIN)/amx-tui --demo

# Style, formatting, types (config in pyproject.toml) and the import contracts.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --config pyproject.toml

test: lint
	$(BIN)/python -m pytest -n 2 -q -m "not systemd"

# The systemd --user timer on a real user manager: boots a debootstrapped Debian with systemd-nspawn (root).
test-systemd: $(STAMP)
	$(BIN)/python -m pytest -q -m systemd tests/systemd

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BYTECODE)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done
