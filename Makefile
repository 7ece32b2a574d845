# Two commands do all set-up on a fresh machine with python3 (3.11) and make:
#   make run    set up, then run the mapping on the bundled example study
#   make test   set up, then lint (make lint) and run the whole test suite
#   make lint   ruff (style, imports, likely bugs) and mypy (types) over the code, both must be clean
#   make bench  speed on the example study and scale on a national-size synthetic study (not a test)
#   make bench-national  only the national preset end to end: lovende run, page sizes, opening in Chromium
#   make bench-validity  false positives, power and coverage of the bias checks on independent data (not a test)
#   make mutation  mutation testing of the core with mutmut, one module at a time (not a test; see docs/mutation.md)
# Set-up is a virtual environment in .venv with the project installed and a Jupyter kernel
# ("lovende-research") registered inside that environment, so notebooks never run on whatever kernel a
# machine happens to call python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := lovende-research

.PHONY: setup run lint test bench bench-national bench-validity mutation lab clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# irrCAC (GPL-3, a cross-check in tests only) pins pandas<3 and scipy==1.12 but runs on ours: no deps.
	$(BIN)/python -m pip install --quiet --no-deps 'irrCAC==0.4.4'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (lovende-research)"
	touch $(STAMP)

# Bytecode for the project's own modules, brought up to date on every command (only changed files are
# compiled): pip compiles the dependencies when it installs them but not an editable project, and where
# PYTHONDONTWRITEBYTECODE is set (it is on the machine the benchmarks were measured on) every notebook
# kernel would otherwise compile the package from source again (~0.08 s per kernel start).
setup: $(STAMP)
	$(BIN)/python -m compileall -q lovende_research

run: setup
	$(BIN)/lovende run data/raw/example

lint: setup
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

test: lint
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-export-tools.sh
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run_benchmarks.py

bench-national: setup
	$(BIN)/python benchmarks/run_national.py

bench-validity: setup
	$(BIN)/python benchmarks/run_validity.py
	$(BIN)/python benchmarks/validity_coverage.py --studies 100

# MODULES="io scoring.reconcile" runs those modules only (names in scripts/mutation.py); default all.
mutation: setup
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	$(BIN)/python scripts/mutation.py $(MODULES)

lab: setup
	$(BIN)/lovende lab

clean:
	rm -rf $(VENV) data/processed/example reports/example
