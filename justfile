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

# Data (a local copy you name, else MovieLens 1M, else a generated sample), load, build, clusters,
# recommendations and an offline message, end to end: `just demo [~/Downloads/ml-1m.zip]`
demo *args: venv
    {{venv}}/bin/watchit demo {{args}}

# Run the whole test suite (real-data tests read WATCHIT_ML100K / WATCHIT_ML1M).
test *args: venv
    WATCHIT_ML100K="${WATCHIT_ML100K:-{{shared}}/ml-100k}" WATCHIT_ML1M="${WATCHIT_ML1M:-{{shared}}/ml-1m}" \
        {{python}} -m pytest {{args}}

# Quality (ML-100K, scikit-surprise peers on the same folds) and speed benchmarks -> bench/results.{json,md}; `just bench --quick` for a short run.
bench *args: venv
    {{python}} -m pip install --quiet -e ".[dev,bench]"
    WATCHIT_ML100K="${WATCHIT_ML100K:-{{shared}}/ml-100k}" WATCHIT_ML1M="${WATCHIT_ML1M:-{{shared}}/ml-1m}" \
        {{python}} -m bench.run {{args}}

# Lint: ruff and mypy (strict) on the Python code, sqlfluff on sql/ (.sqlfluff).
lint: venv
    {{venv}}/bin/ruff check pipeline tests bench
    {{venv}}/bin/ruff format --check pipeline tests bench
    {{venv}}/bin/mypy
    {{venv}}/bin/sqlfluff lint sql

# Rewrite formatting and fixable lint findings.
fix: venv
    {{venv}}/bin/ruff check --fix pipeline tests bench
    {{venv}}/bin/ruff format pipeline tests bench
    {{venv}}/bin/sqlfluff fix sql

# Rebuild warehouse.duckdb.example from generated data (deterministic; no real MovieLens data).
example: venv
    rm -rf .example-data
    {{venv}}/bin/watchit generate --out .example-data --users 150 --movies 120 --ratings 6000 --seed 0
    {{venv}}/bin/watchit --warehouse .example-data/built.duckdb load --data-dir .example-data
    {{venv}}/bin/watchit --warehouse .example-data/built.duckdb build
    # Re-pack with 16 KiB blocks: at DuckDB's default 256 KiB every small table costs a block.
    {{python}} -c "import duckdb; con = duckdb.connect(); con.execute(\"attach '.example-data/built.duckdb' as built (read_only)\"); con.execute(\"attach '.example-data/packed.duckdb' as packed (block_size 16384)\"); con.execute('copy from database built to packed')"
    mv .example-data/packed.duckdb warehouse.duckdb.example
    rm -rf .example-data
