"""Rating prediction: kNN formulas recomputed in numpy, fallbacks, order and clipping."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from cf_helpers import build_cf_warehouse
from test_similarities_known_answer import RATINGS

from pipeline import cf
from pipeline import warehouse as wh
from pipeline.errors import InvalidInput

K = 2


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cf_warehouse(
        tmp_path_factory.mktemp("predict"),
        RATINGS,
        min_support=2,
        shrinkage=5.0,
        item_neighbours_k=K,
        user_neighbours_k=K,
    )


def _lookup(con, sql: str) -> dict:
    return {
        tuple(row[:-1]) if len(row) > 2 else row[0]: row[-1] for row in con.execute(sql).fetchall()
    }


def _expected_knn(con, user: int, movie: int, method: str) -> float | None:
    """Residual part of item or user kNN from the (separately tested) similarity tables."""
    (mu,) = con.execute("select global_mean from marts.rating_baselines").fetchone()
    user_bias = _lookup(con, "select user_id, user_bias from marts.user_biases")
    movie_bias = _lookup(con, "select movie_id, movie_bias from marts.movie_biases")
    ratings = {(u, m): float(r) for u, m, r in RATINGS}

    def residual(u: int, m: int) -> float:
        return ratings[(u, m)] - mu - user_bias[u] - movie_bias[m]

    if method == "item":
        similar = _lookup(
            con, "select movie_id, similar_movie_id, similarity from marts.movie_similarities"
        )
        candidates = [
            (similar[(movie, other)], other, residual(user, other))
            for (u, other) in ratings
            if u == user and similar.get((movie, other)) is not None and similar[(movie, other)] > 0
        ]
    else:
        similar = _lookup(
            con, "select user_id, similar_user_id, similarity from marts.user_similarities"
        )
        candidates = [
            (similar[(user, other)], other, residual(other, movie))
            for (other, m) in ratings
            if m == movie and similar.get((user, other)) is not None and similar[(user, other)] > 0
        ]
    top = sorted(candidates, key=lambda item: (-item[0], item[1]))[:K]
    if not top:
        return None
    return sum(s * z for s, _, z in top) / sum(s for s, _, _ in top)


@pytest.mark.parametrize("method", ["item", "user"])
def test_knn_predictions_match_the_formula(built: Path, method: str) -> None:
    pairs = [(user, movie) for user in range(1, 9) for movie in range(1, 7)]
    con = wh.connect(built)
    predicted = cf.predict_ratings(
        con, pl.DataFrame(pairs, schema=["user_id", "movie_id"], orient="row"), method
    )
    baseline = cf.predict_ratings(
        con, pl.DataFrame(pairs, schema=["user_id", "movie_id"], orient="row"), "baseline"
    )
    checked_neighbours = 0
    for (user, movie), value, fallback, base in zip(
        pairs,
        predicted["predicted_rating"],
        predicted["is_fallback"],
        baseline["predicted_rating"],
        strict=True,
    ):
        expected = _expected_knn(con, user, movie, method)
        if expected is None:
            assert fallback and value == pytest.approx(base)
        else:
            checked_neighbours += 1
            assert not fallback
            (mu,) = con.execute("select global_mean from marts.rating_baselines").fetchone()
            unclipped = (
                mu
                + _lookup(con, "select user_id, user_bias from marts.user_biases")[user]
                + _lookup(con, "select movie_id, movie_bias from marts.movie_biases")[movie]
                + expected
            )
            assert value == pytest.approx(min(5.0, max(1.0, unclipped)), abs=1e-9)
    con.close()
    assert checked_neighbours >= 10  # the data really exercises the neighbour path


@pytest.mark.parametrize("method", cf.METHODS)
def test_unknown_user_and_movie_fall_back_to_the_baseline(built: Path, method: str) -> None:
    con = wh.connect(built)
    (mu,) = con.execute("select global_mean from marts.rating_baselines").fetchone()
    (movie_bias,) = con.execute(
        "select movie_bias from marts.movie_biases where movie_id = 1"
    ).fetchone()
    (user_bias,) = con.execute(
        "select user_bias from marts.user_biases where user_id = 1"
    ).fetchone()
    requests = pl.DataFrame({"user_id": [999, 999, 1], "movie_id": [888, 1, 888]})
    predicted = cf.predict_ratings(con, requests, method)
    con.close()
    assert predicted["user_id"].to_list() == [999, 999, 1]  # input order kept
    assert predicted["predicted_rating"].to_list() == pytest.approx(
        [mu, mu + movie_bias, mu + user_bias], abs=1e-9
    )
    if method != "baseline":
        assert predicted["is_fallback"].to_list() == [True, True, True]


def test_duplicate_requests_keep_one_row_per_input_row(built: Path) -> None:
    con = wh.connect(built)
    requests = pl.DataFrame({"user_id": [1, 1, 2], "movie_id": [5, 5, 6]})
    predicted = cf.predict_ratings(con, requests, "hybrid")
    con.close()
    assert predicted.height == 3
    assert predicted["predicted_rating"][0] == predicted["predicted_rating"][1]
    assert predicted["predicted_rating"].is_between(1, 5).all()


def test_unknown_method_and_missing_columns_are_clear_errors(built: Path) -> None:
    con = wh.connect(built)
    with pytest.raises(InvalidInput, match="unknown prediction method 'svd'"):
        cf.predict_ratings(con, pl.DataFrame({"user_id": [1], "movie_id": [1]}), "svd")
    with pytest.raises(InvalidInput, match="lack column"):
        cf.predict_ratings(con, pl.DataFrame({"user_id": [1]}), "item")
    con.close()
