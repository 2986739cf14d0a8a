# WatchIt tasks. `just demo` and `just test` each create or refresh their own virtual environment.

set shell := ["bash", "-euo", "pipefail", "-c"]

venv := ".venv"
python := venv / "bin/python"
shared := justfile_directory() / "../shared/data"

default: lint test

# Create or refresh the virtual environment with WatchIt and its test tools.
venv:
    test -x {{python}} || python3 -m venv {{venv}}
    {{python}} -m pip install --quiet --upgrade pip
    {{python}} -m pip install --quiet -e ".[dev]"

# Run the whole test suite (real-data tests read WATCHIT_ML100K / WATCHIT_ML1M).
test *args: venv
    WATCHIT_ML100K="${WATCHIT_ML100K:-{{shared}}/ml-100k}" WATCHIT_ML1M="${WATCHIT_ML1M:-{{shared}}/ml-1m}" \
        {{python}} -m pytest {{args}}

# Lint and format-check the Python code.
lint: venv
    {{venv}}/bin/ruff check pipeline tests bench
    {{venv}}/bin/ruff format --check pipeline tests bench

# Rewrite formatting and fixable lint findings.
fix: venv
    {{venv}}/bin/ruff check --fix pipeline tests bench
    {{venv}}/bin/ruff format pipeline tests bench

# Rebuild warehouse.duckdb.example from generated data (deterministic; no real MovieLens data).
example: venv
    rm -rf .example-data
    {{venv}}/bin/watchit generate --out .example-data --users 300 --movies 200 --ratings 15000 --seed 0
    {{venv}}/bin/watchit --warehouse warehouse.duckdb.example load --data-dir .example-data
    {{venv}}/bin/watchit --warehouse warehouse.duckdb.example build
    rm -rf .example-data
