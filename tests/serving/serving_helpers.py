"""Helpers for the serving tests: tiny warehouses built from hand-made rating lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from movielens_files import load_and_build, write_movielens_dir

from pipeline import cf

Rating = tuple[int, int, int]  # (user_id, movie_id, stars)
GENRES = ("Action", "Comedy", "Drama", "Horror", "Sci-Fi")


def movie_title(movie_id: int) -> str:
    return f"Movie {movie_id} (2000)"


def build_serving_warehouse(
    folder: Path,
    ratings: Sequence[Rating],
    movies: Sequence[tuple[int, str, str]] | None = None,
    **config: float,
) -> Path:
    """Load `ratings` (ML-1M layout) and run the CF build on exactly them (no holdout).

    min_support 2 and little shrinkage make a handful of ratings enough for neighbours.
    """
    movie_ids = sorted({movie for _, movie, _ in ratings})
    user_ids = sorted({user for user, _, _ in ratings})
    data_dir = write_movielens_dir(
        folder / "ml-1m",
        ratings=[
            (user, movie, stars, 978300760 + n) for n, (user, movie, stars) in enumerate(ratings)
        ],
        movies=movies
        or [(movie, movie_title(movie), GENRES[movie % len(GENRES)]) for movie in movie_ids],
        users=[(user, "M" if user % 2 else "F", 25, 12, "94110") for user in user_ids],
    )
    path = folder / "warehouse.duckdb"
    settings: dict[str, float] = {"validation_fraction": 0.0, "min_support": 2, "shrinkage": 1.0}
    # A small factor model: these tests are about serving.
    settings |= {"count_factors": 2, "factor_iterations": 2} | config
    return load_and_build(path, data_dir, cf.CfConfig(**settings))  # type: ignore[arg-type]
