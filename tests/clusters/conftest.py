"""Fixtures for the cluster tests: a loaded warehouse of planted taste groups, clustered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cluster_cli import invoke_ok
from cluster_data import MOVIES, USERS, planted_ratings
from typer.testing import CliRunner


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
