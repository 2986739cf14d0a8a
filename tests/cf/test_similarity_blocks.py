"""The similarity tables are filled block by block: the blocks must change nothing but speed.

Also the two things the blocks rely on: the measures views answer a filtered query exactly as
a full scan does, and the blend holdout comes from at most validation_max_users users.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from cf_helpers import build_cf_warehouse
from hypothesis import given
from hypothesis import strategies as st

from pipeline import cf, similarity_blocks
from pipeline import warehouse as wh

# 40 users x 25 movies, about half rated: enough pairs for many one-id blocks.
RATINGS = [
    (user, movie, random.Random(user * 100 + movie).randint(1, 5))
    for user in range(1, 41)
    for movie in range(1, 26)
    if random.Random(user * 7 + movie * 13).random() < 0.5
]
TABLES = ("movie_similarities", "user_similarities", "movie_neighbours", "user_neighbours")


def _rounded(rows: list[tuple]) -> list[tuple]:
    return [
        tuple(round(value, 12) if isinstance(value, float) else value for value in row)
        for row in rows
    ]


def _tables(path: Path) -> dict[str, list[tuple]]:
    con = wh.connect(path)
    try:
        return {
            name: _rounded(con.execute(f"select * from marts.{name} order by all").fetchall())
            for name in TABLES
        }
    finally:
        con.close()


@given(
    ids=st.lists(st.integers(1, 10_000), min_size=0, max_size=60, unique=True).map(sorted),
    budget=st.integers(1, 500),
    seed=st.integers(0, 1000),
)
def test_plan_blocks_keeps_every_id_once_in_order(ids: list[int], budget: int, seed: int) -> None:
    work = np.random.default_rng(seed).integers(0, 100, len(ids))
    blocks = similarity_blocks.plan_blocks(np.array(ids, dtype=np.int64), work, budget)
    assert [int(entity) for block in blocks for entity in block] == ids
    assert all(block.size for block in blocks)
    # A block's work beyond the budget comes from its last id alone.
    position = 0
    for block in blocks:
        block_work = work[position : position + block.size]
        assert block_work[:-1].sum() < budget or block.size == 1
        position += block.size


def test_one_id_blocks_give_the_same_tables_as_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"min_support": 2, "shrinkage": 5.0, "users_kept_per_user": 7}
    one_block = _tables(build_cf_warehouse(tmp_path / "one", RATINGS, **settings))
    # A budget of 0 rows puts every id in a block of its own.
    monkeypatch.setattr(similarity_blocks, "MOVIE_PAIR_ROWS_PER_RATING", 0)
    monkeypatch.setattr(similarity_blocks, "USER_PAIR_ROWS_PER_RATING", 0)
    many_blocks = _tables(build_cf_warehouse(tmp_path / "many", RATINGS, **settings))
    assert many_blocks == one_block
    assert one_block["movie_similarities"] and one_block["user_similarities"]
    # 7 kept per user: the cut is real on this data.
    kept_per_user: dict[int, int] = {}
    for row in one_block["user_similarities"]:
        kept_per_user[row[0]] = kept_per_user.get(row[0], 0) + 1
    assert max(kept_per_user.values()) == 7


def test_measures_views_filtered_equal_the_full_scan(tmp_path: Path) -> None:
    path = build_cf_warehouse(tmp_path, RATINGS, min_support=2)
    con = wh.connect(path)
    try:
        for side in ("movie", "user"):
            view = f"marts.{side}_similarity_measures"
            filtered = _rounded(
                con.execute(f"select * from {view} where {side}_id = 3 order by all").fetchall()
            )
            everything = _rounded(con.execute(f"select * from {view} order by all").fetchall())
            # Summation order differs between the two plans: equal to 12 decimals.
            assert filtered and filtered == [row for row in everything if row[0] == 3]
    finally:
        con.close()


def test_validation_holdout_comes_from_at_most_the_capped_users(tmp_path: Path) -> None:
    path = build_cf_warehouse(tmp_path, RATINGS)
    config = cf.CfConfig(validation_fraction=0.5, validation_max_users=4)
    con = wh.connect(path, read_only=False)
    try:
        cf.write_parameters(con, config, is_validation_build=True)
        held_out_users = {
            user
            for (user,) in con.execute(
                "select distinct user_id from intermediate.int_ratings_held_out_for_validation"
            ).fetchall()
        }
        (kept,) = con.execute(
            "select count(*) from intermediate.int_ratings_kept_for_training"
        ).fetchone()
    finally:
        con.close()
    assert 1 <= len(held_out_users) <= 4
    assert 0 < len(RATINGS) - kept < len(RATINGS) / 4
