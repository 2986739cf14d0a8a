"""The CF build on real ML-100K: sizes recomputed with numpy, audits, bounded neighbours."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipeline import cf, load, sqlfiles
from pipeline import warehouse as wh

pytestmark = pytest.mark.realdata


def _ratings_matrix(con) -> np.ndarray:
    users, movies = con.sql("select user_id, movie_id from raw.ratings").fetchnumpy().values()
    matrix = np.zeros((users.max() + 1, movies.max() + 1))
    matrix[users, movies] = 1.0
    return matrix


def test_similarity_tables_hold_every_supported_pair(ml100k_built: Path) -> None:
    con = wh.connect(ml100k_built)
    rated = _ratings_matrix(con)
    min_support = cf.CfConfig().min_support
    movie_counts = rated.T @ rated
    np.fill_diagonal(movie_counts, 0)
    user_counts = rated @ rated.T
    np.fill_diagonal(user_counts, 0)
    (movie_rows,) = con.execute("select count(*) from marts.movie_similarities").fetchone()
    (measured_user_pairs,) = con.execute(
        "select count(*) from marts.user_similarity_measures"
    ).fetchone()
    assert movie_rows == int((movie_counts >= min_support).sum())
    assert measured_user_pairs == int((user_counts >= min_support).sum())
    # The user table keeps each user's top users_kept_per_user positive similarities.
    (user_rows, expected_user_rows) = con.execute(
        "select (select count(*) from marts.user_similarities), sum(least(positive, ?)) "
        "from (select count(*) as positive from marts.user_similarity_measures "
        "where similarity > 0 group by user_id)",
        [cf.CfConfig().users_kept_per_user],
    ).fetchone()
    assert user_rows == expected_user_rows
    # Spot-check one pair's support against the matrix.
    movie, other, count = con.execute(
        "select movie_id, similar_movie_id, count_common_raters from marts.movie_similarities "
        "where movie_id = 50 order by count_common_raters desc limit 1"
    ).fetchone()
    assert count == movie_counts[movie, other]
    con.close()


def test_audits_pass_and_neighbours_are_bounded(ml100k_built: Path) -> None:
    con = wh.connect(ml100k_built)
    assert wh.run_audits(con) == []
    config = cf.CfConfig()
    (movies, movie_neighbours, most) = con.execute(
        "select count(distinct movie_id), count(*), max(neighbour_rank) from marts.movie_neighbours"
    ).fetchone()
    assert (
        movie_neighbours <= config.item_neighbours_k * movies and most == config.item_neighbours_k
    )
    (users, user_neighbours, most) = con.execute(
        "select count(distinct user_id), count(*), max(neighbour_rank) from marts.user_neighbours"
    ).fetchone()
    assert users == 943 and user_neighbours <= config.user_neighbours_k * users
    assert con.execute("select count(*) from marts.user_biases").fetchone() == (943,)
    assert con.execute("select count(*) from marts.movie_biases").fetchone() == (1682,)
    weights = dict(
        con.execute("select component, weight from marts.hybrid_blend_weights").fetchall()
    )
    (count, rmse) = con.execute(
        "select any_value(count_validation_ratings), any_value(validation_rmse) "
        "from marts.hybrid_blend_weights"
    ).fetchone()
    con.close()
    assert set(weights) == set(cf.BLEND_COMPONENTS)
    assert 8_000 < count < 12_000  # ~10 % of 100,000 ratings held out to fit the blend
    assert 0.8 < rmse < 0.95


def test_hybrid_beats_the_baseline_on_held_out_ratings(
    ml100k_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Models built without every 10th rating predict those better than the baseline does."""
    path = tmp_path_factory.mktemp("ml100k_holdout") / "warehouse.duckdb"
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, ml100k_dir))
        test = pl.from_arrow(
            con.sql(
                "select user_id, movie_id, rating from raw.ratings where source_line % 10 = 0"
            ).to_arrow_table()
        )
        con.execute("delete from raw.ratings where source_line % 10 = 0")
    with wh.rebuild(path, start_from_existing=True) as con:
        cf.build_models(con, cf.CfConfig(refit_on_all_ratings=False))
        truth = test["rating"].to_numpy().astype(float)
        rmse = {
            method: float(
                np.sqrt(
                    np.mean(
                        (
                            cf.predict_ratings(con, test, method)["predicted_rating"].to_numpy()
                            - truth
                        )
                        ** 2
                    )
                )
            )
            for method in cf.METHODS
        }
    assert rmse["hybrid"] < rmse["item"] < rmse["baseline"], rmse
    assert rmse["user"] < rmse["baseline"], rmse
