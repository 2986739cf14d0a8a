"""Shared fixtures: tiny MovieLens folders in exact ML-1M format, fresh warehouses, real-data paths."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from movielens_files import Rows, load_and_build, write_movielens_dir
from typer.testing import CliRunner

os.environ.pop("WATCHIT_WAREHOUSE", None)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def movielens_dir(tmp_path: Path) -> Callable[..., Path]:
    """Factory: movielens_dir(ratings=..., movies=..., users=..., name=...) -> folder path."""

    def make(name: str = "ml-1m", **rows: Rows) -> Path:
        return write_movielens_dir(tmp_path / name, **rows)

    return make


@pytest.fixture
def runner() -> CliRunner:
    # Wide terminal so rich never wraps an error message or a table cell in CLI tests.
    return CliRunner(env={"COLUMNS": "3000", "WATCHIT_WAREHOUSE": None})


@pytest.fixture
def warehouse(tmp_path: Path, movielens_dir: Callable[..., Path]) -> Path:
    """A freshly loaded warehouse file built from the default tiny dataset."""
    from pipeline import load, sqlfiles
    from pipeline import warehouse as wh

    path = tmp_path / "warehouse.duckdb"
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, movielens_dir()))
    return path


def real_data_dir(variable: str, default_hint: str) -> Path:
    """The folder named by `variable`; skip outside CI when missing, fail in CI."""
    value = os.environ.get(variable)
    path = Path(value) if value else None
    if path is None or not path.is_dir():
        message = f"real dataset not found: ${variable}={value!r} (e.g. {default_hint})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def ml100k_dir() -> Path:
    return real_data_dir("WATCHIT_ML100K", "../shared/data/ml-100k")


@pytest.fixture(scope="session")
def ml1m_dir() -> Path:
    """Real ML-1M folder; here it has users.dat and movies.dat but no ratings.dat."""
    return real_data_dir("WATCHIT_ML1M", "../shared/data/ml-1m")


@pytest.fixture(scope="session")
def ml100k_built(ml100k_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real ML-100K loaded and built with the default CfConfig, once per session; read it only."""
    return load_and_build(tmp_path_factory.mktemp("ml100k_built") / "warehouse.duckdb", ml100k_dir)
