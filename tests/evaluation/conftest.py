"""Synthetic MovieLens data for the evaluation tests: enough users and movies to split and rank."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

SYNTHETIC_USERS = 40
SYNTHETIC_MOVIES = 30


def synthetic_rows(seed: int = 7) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Two taste groups, 12-20 ratings per user, timestamps with deliberate ties."""
    rng = np.random.default_rng(seed)
    movies = [(movie, f"Movie {movie} (1999)", "Drama") for movie in range(1, SYNTHETIC_MOVIES + 1)]
    users = [
        (user, "F" if user % 2 else "M", 25, 1, "12345") for user in range(1, SYNTHETIC_USERS + 1)
    ]
    ratings = []
    for user in range(1, SYNTHETIC_USERS + 1):
        count = int(rng.integers(12, 21))
        chosen = rng.choice(SYNTHETIC_MOVIES, count, replace=False) + 1
        for position, movie in enumerate(chosen):
            likes = (movie <= SYNTHETIC_MOVIES // 2) == (user % 2 == 0)
            stars = int(np.clip(round((4.3 if likes else 2.2) + rng.normal(0, 0.7)), 1, 5))
            # position // 3: three ratings share each timestamp, so ties must be broken.
            ratings.append((user, int(movie), stars, 978300000 + 60 * (position // 3)))
    return ratings, movies, users


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
