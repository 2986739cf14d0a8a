"""Helpers for the CF tests: warehouses built from hand-made or generated rating lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from movielens_files import load_and_build, write_movielens_dir

from pipeline import cf

Rating = tuple[int, int, int]  # (user_id, movie_id, stars)


def build_cf_warehouse(folder: Path, ratings: Sequence[Rating], **config: float) -> Path:
    """Load `ratings` (ML-1M format, with matching movies.dat/users.dat) and run the CF build.

    `config` overrides CfConfig fields; by default there is no validation holdout so every
    model sees exactly `ratings` (what the numpy oracles see), and the factor model is small.
    """
    movie_ids = sorted({movie for _, movie, _ in ratings})
    user_ids = sorted({user for user, _, _ in ratings})
    data_dir = write_movielens_dir(
        folder / "ml-1m",
        ratings=[
            (user, movie, stars, 978300760 + n) for n, (user, movie, stars) in enumerate(ratings)
        ],
        movies=[(movie, f"Movie {movie} (2000)", "Drama") for movie in movie_ids],
        users=[(user, "M", 25, 1, "00000") for user in user_ids],
    )
    path = folder / "warehouse.duckdb"
    # Few, quickly fitted factors: these tests check SQL, the factor tests check ALS.
    settings = {"validation_fraction": 0.0, "count_factors": 4, "factor_iterations": 3} | config
    return load_and_build(path, data_dir, cf.CfConfig(**settings))
