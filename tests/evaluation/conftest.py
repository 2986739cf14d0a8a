"""Fixtures for the evaluation tests: loaded warehouses of synthetic ratings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from eval_data import synthetic_rows


@pytest.fixture
def loaded_warehouse(tmp_path: Path, movielens_dir: Callable[..., Path]) -> Callable[..., Path]:
    """Factory: a loaded (not built) warehouse of the synthetic ratings, or of given rows."""
    from pipeline import load, sqlfiles
    from pipeline import warehouse as wh

    def make(name: str = "synthetic", seed: int = 7, **rows: object) -> Path:
        ratings, movies, users = synthetic_rows(seed)
        folder = movielens_dir(
            name=name,
            ratings=rows.get("ratings", ratings),
            movies=rows.get("movies", movies),
            users=rows.get("users", users),
        )
        path = tmp_path / f"{name}.duckdb"
        with wh.rebuild(path, start_from_existing=False) as con:
            wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
            load.record_dataset(con, load.load_dataset(con, folder))
        return path

    return make
