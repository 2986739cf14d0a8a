"""Stored splits: seeded, reproducible, disjoint, complete; temporal picks each user's last N."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from pipeline import splits
from pipeline import warehouse as wh
from pipeline.errors import InvalidInput


def _assignments(path: Path, protocol: str, seed: int) -> pl.DataFrame:
    con = wh.connect(path)
    try:
        frame = pl.from_arrow(
            con.sql(
                "select fold, user_id, movie_id, part from eval.split_assignments "
                "where protocol = ? and seed = ? order by all",
                params=[protocol, seed],
            ).to_arrow_table()
        )
    finally:
        con.close()
    assert isinstance(frame, pl.DataFrame)
    return frame


def _split(path: Path, config: splits.SplitConfig) -> int:
    con = wh.connect(path, read_only=False)
    try:
        return splits.make_split(con, config)
    finally:
        con.close()


def _ratings(path: Path) -> pl.DataFrame:
    con = wh.connect(path)
    try:
        frame = pl.from_arrow(con.sql("select * from staging.stg_ratings").to_arrow_table())
    finally:
        con.close()
    assert isinstance(frame, pl.DataFrame)
    return frame


def test_kfold_puts_each_rating_in_exactly_one_test_fold(
    loaded_warehouse: Callable[..., Path],
) -> None:
    path = loaded_warehouse()
    count = _split(path, splits.SplitConfig("kfold", seed=3, count_folds=5))
    ratings = _ratings(path)
    assignments = _assignments(path, "kfold", 3)
    assert count == ratings.height
    assert assignments.height == 5 * ratings.height
    tests = assignments.filter(pl.col("part") == "test")
    per_rating = tests.group_by("user_id", "movie_id").len()
    assert per_rating.height == ratings.height and per_rating["len"].max() == 1
    sizes = tests.group_by("fold").len()["len"]
    assert sizes.max() - sizes.min() <= 1  # dealt round-robin, like Surprise's KFold
    # Within a fold the parts are disjoint and cover every rating.
    for fold in range(5):
        parts = assignments.filter(pl.col("fold") == fold)
        assert parts.select("user_id", "movie_id").n_unique() == ratings.height


def test_same_seed_same_split_other_seed_other_split(
    loaded_warehouse: Callable[..., Path],
) -> None:
    first, second = loaded_warehouse("first"), loaded_warehouse("second")
    _split(first, splits.SplitConfig("kfold", seed=11))
    _split(second, splits.SplitConfig("kfold", seed=11))
    assert _assignments(first, "kfold", 11).equals(_assignments(second, "kfold", 11))
    _split(first, splits.SplitConfig("kfold", seed=11))  # remaking replaces, never duplicates
    assert _assignments(first, "kfold", 11).equals(_assignments(second, "kfold", 11))
    _split(second, splits.SplitConfig("kfold", seed=12))
    tests_11 = _assignments(second, "kfold", 11).filter(pl.col("part") == "test")
    tests_12 = _assignments(second, "kfold", 12).filter(pl.col("part") == "test")
    assert not tests_11.equals(tests_12)


def test_temporal_holds_out_each_users_latest_n_with_ties_broken_by_movie(
    loaded_warehouse: Callable[..., Path],
) -> None:
    path = loaded_warehouse()
    _split(path, splits.SplitConfig("temporal", holdout_ratings_per_user=4))
    ratings = _ratings(path)
    tests = _assignments(path, "temporal", 0).filter(pl.col("part") == "test")
    # Expected independently: sort each user's ratings newest first, movie id breaking ties.
    expected = (
        ratings.sort(["user_id", "rated_at", "movie_id"], descending=[False, True, True])
        .group_by("user_id", maintain_order=True)
        .head(4)
        .select("user_id", "movie_id")
        .sort("user_id", "movie_id")
    )
    assert tests.select("user_id", "movie_id").sort("user_id", "movie_id").equals(expected)
    assert ratings["rated_at"].n_unique() < ratings.height  # the data really has ties


def test_temporal_keeps_users_with_too_few_ratings_in_train(
    loaded_warehouse: Callable[..., Path],
) -> None:
    path = loaded_warehouse()
    _split(path, splits.SplitConfig("temporal", holdout_ratings_per_user=15))
    counts = _ratings(path).group_by("user_id").len()
    tests = _assignments(path, "temporal", 0).filter(pl.col("part") == "test")
    held = tests.group_by("user_id").len()
    small_users = set(counts.filter(pl.col("len") <= 15)["user_id"])
    assert small_users and not small_users & set(held["user_id"])
    assert set(held["len"]) == {15}


def test_cold_start_holds_out_all_ratings_of_a_seeded_tenth_of_users(
    loaded_warehouse: Callable[..., Path],
) -> None:
    path = loaded_warehouse()
    _split(path, splits.SplitConfig("cold-start", seed=5, holdout_user_fraction=0.1))
    assignments = _assignments(path, "cold-start", 5)
    test_users = set(assignments.filter(pl.col("part") == "test")["user_id"])
    train_users = set(assignments.filter(pl.col("part") == "train")["user_id"])
    assert len(test_users) == 4  # round(0.1 * 40)
    assert not test_users & train_users


def test_bad_split_parameters_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="unknown split protocol 'random'"):
        splits.SplitConfig("random")
    with pytest.raises(InvalidInput, match="at least 2 folds"):
        splits.SplitConfig("kfold", count_folds=1)
