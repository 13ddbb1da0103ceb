# govnet — the two commands a newcomer needs are `make demo` and `make test`.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test test-fast lock lab lab-down lab-status lab-test bench bench-lab typecheck tables clean

# What installs is pinned: constraints.txt holds every package's exact version, so an
# upstream release cannot change a fresh install (or CI) overnight. `make lock` refreshes it.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt --upgrade pip
	PIP_CONSTRAINT=constraints.txt $(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

## Refresh constraints.txt on purpose: resolve pyproject.toml afresh in a scratch venv, pin all.
lock:
	rm -rf .lock-venv && $(PY) -m venv .lock-venv
	.lock-venv/bin/pip install -q --upgrade pip
	.lock-venv/bin/pip install -q -e '.[test]'
	{ echo "# Pinned by 'make lock' on $$(date -u +%F) for Python $$($(PY) -c 'import platform; print(platform.python_version())'); review the diff, then commit."; \
	  .lock-venv/bin/pip freeze --all --exclude-editable | grep -v -E '^(setuptools|wheel)=='; } > constraints.txt
	rm -rf .lock-venv

## Set up, seed the Shantou demo into the default SQLite database and open the TUI.
demo: $(STAMP)
	$(BIN)/govnet demo

## Set up and run every test (lab tests need root, FRR and OpenSSH; else they skip).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy govnet ipam access inventory lab tui compliance api
	$(BIN)/python -m pytest -n 2 -q -m "not lab"
	$(BIN)/python -m pytest -q -m lab -p no:xdist; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

## After a model change: rewrite govnet/tables.py (the Core tables of the allocation path).
tables: $(STAMP)
	$(BIN)/python -m govnet.schema > govnet/tables.py.new && mv govnet/tables.py.new govnet/tables.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not lab and not postgres"

## Bring up the real-router lab (root): FRR routers in network namespaces, SSH into vtysh.
lab: $(STAMP)
	$(BIN)/govnet lab up

lab-down: $(STAMP)
	$(BIN)/govnet lab down

lab-status: $(STAMP)
	$(BIN)/govnet lab status

## Lab tests alone (root, FRR, OpenSSH): the fixture brings a 2-district lab up and down.
lab-test: $(STAMP)
	$(BIN)/python -m pytest -q -m lab -p no:xdist

## 10-line push to 8 real FRR routers: sequential vs threads vs Nornir (root).
bench-lab: $(STAMP)
	$(BIN)/python bench/lab_push.py --routers 8 --rounds 3

bench: $(STAMP)
	$(BIN)/python bench/ipam_alloc.py
	$(BIN)/python bench/cli_start.py

typecheck: $(STAMP)
	$(BIN)/mypy govnet ipam access inventory lab tui compliance api

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
