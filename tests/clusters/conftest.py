"""Fixtures for the cluster tests: a loaded warehouse of planted taste groups, clustered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cluster_data import MOVIES, USERS, planted_ratings
from typer.testing import CliRunner

from pipeline.cli import app


def invoke_ok(runner: CliRunner, path: Path, *args: str, input: str | None = None) -> str:
    result = runner.invoke(app, ["--warehouse", str(path), *args], input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


@pytest.fixture
def planted_warehouse(
    tmp_path: Path, runner: CliRunner, movielens_dir: Callable[..., Path]
) -> Callable[..., Path]:
    """Factory: a warehouse loaded with the planted data, then `watchit cluster <args>`."""

    def make(*cluster_args: str) -> Path:
        path = tmp_path / "planted.duckdb"
        folder = movielens_dir(ratings=planted_ratings(), movies=MOVIES, users=USERS)
        invoke_ok(runner, path, "load", "--data-dir", str(folder))
        invoke_ok(runner, path, "cluster", *(cluster_args or ("--k", "2")))
        return path

    return make
