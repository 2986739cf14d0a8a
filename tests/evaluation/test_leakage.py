"""Training copies: no test rating can influence any trained table (issue 6 leakage check)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest
from eval_data import SYNTHETIC_MOVIES, synthetic_rows
from polars.testing import assert_frame_equal

from pipeline import cf, evaluation, splits
from pipeline import warehouse as wh

ONLY_IN_TEST = SYNTHETIC_MOVIES + 1  # rated once, by user 1, as that user's latest rating
CF_CONFIG = cf.CfConfig(min_support=1, shrinkage=0.0, validation_fraction=0.0)


def _rows_with_test_only_movie() -> dict[str, list[tuple]]:
    ratings, movies, users = synthetic_rows()
    ratings = [*ratings, (1, ONLY_IN_TEST, 5, 999_999_999)]
    movies = [*movies, (ONLY_IN_TEST, "Seen Only In Test (2000)", "Drama")]
    return {"ratings": ratings, "movies": movies, "users": users}


def _movie_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """Every integer column naming a movie in a trained (derived) table or view."""
    return con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where schema_name in ('intermediate', 'marts') and column_name like '%movie_id' "
        "and data_type in ('INTEGER', 'BIGINT') and database_name = current_database()"
    ).fetchall()


def _assert_movie_absent(con: duckdb.DuckDBPyConnection, movie_id: int) -> int:
    """The movie has no row in any trained table; a catalogue row (marts.movies) says 0 ratings."""
    columns = _movie_columns(con)
    assert any(table == "movie_similarities" for _, table, _ in columns)
    for schema, table, column in columns:
        rows = pl.from_arrow(
            con.sql(
                f'select * from "{schema}"."{table}" where "{column}" = ?', params=[movie_id]
            ).to_arrow_table()
        )
        assert isinstance(rows, pl.DataFrame)
        if "count_ratings" in rows.columns:  # a catalogue lists every movie, rated or not
            assert rows["count_ratings"].to_list() in ([], [0]), f"{schema}.{table}"
            if "mean_rating" in rows.columns:
                assert rows["mean_rating"].is_null().all(), f"{schema}.{table}"
            continue
        assert rows.is_empty(), f"{schema}.{table}.{column} contains test-only movie {movie_id}"
    return len(columns)


@pytest.mark.parametrize("protocol", ["kfold", "temporal"])
def test_movie_only_in_test_part_leaves_no_trace(
    loaded_warehouse: Callable[..., Path], protocol: str
) -> None:
    path = loaded_warehouse(**_rows_with_test_only_movie())
    config = splits.SplitConfig(protocol, seed=1, count_folds=3, holdout_ratings_per_user=3)
    con = wh.connect(path, read_only=False)
    splits.make_split(con, config)
    fold = con.execute(
        "select fold from eval.split_assignments where protocol = ? and seed = ? "
        "and user_id = 1 and movie_id = ? and part = 'test'",
        [protocol, config.stored_seed, ONLY_IN_TEST],
    ).fetchall()[0][0]
    con.close()
    with splits.training_copy(path, config, fold) as copy:
        assert ONLY_IN_TEST in copy.test_ratings["movie_id"].to_list()
        evaluation.build_for_top_n(copy.con, ["hybrid"], CF_CONFIG)
        assert _assert_movie_absent(copy.con, ONLY_IN_TEST) >= 5
        lists = evaluation.top_n_lists(copy.con, [2, 3, 4], "popular", 20)
        assert ONLY_IN_TEST not in lists["movie_id"].to_list()
        # Predicting it falls back to the baseline: the movie has no bias and no neighbour.
        predicted = cf.predict_ratings(
            copy.con, pl.DataFrame({"user_id": [1], "movie_id": [ONLY_IN_TEST]}), "hybrid"
        )
        assert predicted["is_fallback"].to_list() == [True]


def test_training_copy_builds_exactly_what_a_dataset_without_the_test_part_builds(
    loaded_warehouse: Callable[..., Path],
) -> None:
    rows = _rows_with_test_only_movie()
    path = loaded_warehouse("full", **rows)
    config = splits.SplitConfig("kfold", seed=4, count_folds=4)
    con = wh.connect(path, read_only=False)
    splits.make_split(con, config)
    test = splits.split_ratings(con, config, 2, "test")
    con.close()
    held_out = set(test.select("user_id", "movie_id").iter_rows())
    train_only = [row for row in rows["ratings"] if (row[0], row[1]) not in held_out]
    reference = loaded_warehouse("train-only", ratings=train_only, movies=rows["movies"])
    reference_con = wh.connect(reference, read_only=False)
    cf.build_models(reference_con, CF_CONFIG)
    with splits.training_copy(path, config, 2) as copy:
        cf.build_models(copy.con, CF_CONFIG)
        for table, keys in (
            ("marts.user_biases", ["user_id"]),
            ("marts.movie_biases", ["movie_id"]),
            ("marts.movie_similarities", ["movie_id", "similar_movie_id"]),
            ("marts.user_similarities", ["user_id", "similar_user_id"]),
        ):
            ours = pl.from_arrow(copy.con.sql(f"select * from {table}").to_arrow_table())
            theirs = pl.from_arrow(reference_con.sql(f"select * from {table}").to_arrow_table())
            assert isinstance(ours, pl.DataFrame) and isinstance(theirs, pl.DataFrame)
            assert ours.height == theirs.height > 0, table
            compared = [c for c, t in ours.schema.items() if not t.is_temporal()]
            assert_frame_equal(
                ours.sort(keys).select(compared),
                theirs.sort(keys).select(compared),
                check_exact=False,
                abs_tol=1e-9,
            )
    reference_con.close()


def test_source_warehouse_is_not_changed_by_a_training_copy(
    loaded_warehouse: Callable[..., Path],
) -> None:
    path = loaded_warehouse()
    config = splits.SplitConfig("kfold", seed=0, count_folds=2)
    con = wh.connect(path, read_only=False)
    splits.make_split(con, config)
    before = con.execute("select count(*) from raw.ratings").fetchall()[0][0]
    con.close()
    with splits.training_copy(path, config, 0) as copy:
        assert copy.con.execute("select count(*) from raw.ratings").fetchall()[0][0] < before
        copy_path = copy.path
    con = wh.connect(path)
    assert con.execute("select count(*) from raw.ratings").fetchall()[0][0] == before
    con.close()
    assert not copy_path.exists()
