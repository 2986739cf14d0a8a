"""ALS latent factors: the ridge half-steps, recovery of a low-rank matrix, SQL dot products."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from cf_helpers import build_cf_warehouse
from test_similarities_known_answer import RATINGS

from pipeline import cf, latent_factors
from pipeline import warehouse as wh
from pipeline.latent_factors import fit_als


def test_one_iteration_is_the_weighted_ridge_solution() -> None:
    rng = np.random.default_rng(3)
    users = np.array([1, 1, 1, 2, 2, 3, 3, 3, 3])
    movies = np.array([10, 20, 30, 10, 30, 10, 20, 30, 40])
    residuals = rng.normal(size=users.size)
    model = fit_als(users, movies, residuals, 2, regularisation=0.5, iterations=1, seed=9)
    # Movie factors after one pass were solved given the user factors; re-derive them by
    # solving the augmented least-squares system [P; sqrt(lambda n) I] q = [z; 0].
    for index, movie in enumerate(model.movie_ids):
        mask = movies == movie
        rows = model.user_factors[np.searchsorted(model.user_ids, users[mask])]
        augmented = np.vstack([rows, np.sqrt(0.5 * mask.sum()) * np.eye(2)])
        target = np.concatenate([residuals[mask], np.zeros(2)])
        expected, *_ = np.linalg.lstsq(augmented, target, rcond=None)
        np.testing.assert_allclose(model.movie_factors[index], expected, atol=1e-10)


def test_recovers_a_low_rank_matrix() -> None:
    rng = np.random.default_rng(0)
    true_users, true_movies = rng.normal(size=(40, 2)), rng.normal(size=(30, 2))
    users, movies = np.meshgrid(np.arange(40), np.arange(30), indexing="ij")
    keep = rng.random(users.shape) < 0.7
    users, movies = users[keep], movies[keep]
    values = np.einsum("ij,ij->i", true_users[users], true_movies[movies])
    model = fit_als(users, movies, values, 2, regularisation=1e-4, iterations=40, seed=1)
    fitted = np.einsum("ij,ij->i", model.user_factors[users], model.movie_factors[movies])
    assert np.sqrt(np.mean((fitted - values) ** 2)) < 0.01 * values.std()
    same = fit_als(users, movies, values, 2, regularisation=1e-4, iterations=40, seed=1)
    np.testing.assert_array_equal(model.user_factors, same.user_factors)  # seeded


def _reference_als(
    users: np.ndarray, movies: np.ndarray, residuals: np.ndarray, factors: int, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """The textbook ALS: one ridge solve per user, then one per movie, in plain loops."""
    user_ids, movie_ids = np.unique(users), np.unique(movies)
    movie_factors = np.random.default_rng(5).normal(0.0, 0.1, (movie_ids.size, factors))
    user_factors = np.zeros((user_ids.size, factors))
    for _ in range(iterations):
        for side, ids, own, other_ids, other in [
            ("user", user_ids, users, movie_ids, movies),
            ("movie", movie_ids, movies, user_ids, users),
        ]:
            fixed = movie_factors if side == "user" else user_factors
            solved = np.zeros((ids.size, factors))
            for row, entity in enumerate(ids):
                mask = own == entity
                rows = fixed[np.searchsorted(other_ids, other[mask])]
                gram = rows.T @ rows + 0.3 * mask.sum() * np.eye(factors)
                solved[row] = np.linalg.solve(gram, rows.T @ residuals[mask])
            if side == "user":
                user_factors = solved
            else:
                movie_factors = solved
    return user_factors, movie_factors


@pytest.mark.parametrize("rows_per_batch", [1, 40, latent_factors.ROWS_PER_BATCH])
def test_batched_solves_equal_one_solve_per_entity(
    monkeypatch: pytest.MonkeyPatch, rows_per_batch: int
) -> None:
    # Uneven counts: user 1 and movie 99 have a single rating each, user 2 rated every movie,
    # the rest are random, so batches mix padding widths (1 = every entity alone).
    monkeypatch.setattr(latent_factors, "ROWS_PER_BATCH", rows_per_batch)
    rng = np.random.default_rng(11)
    pairs = {(1, 10), (3, 99)} | {(2, movie) for movie in range(10, 40)}
    random_pairs = np.column_stack([rng.integers(3, 60, 600), rng.integers(10, 40, 600)])
    pairs |= {(int(user), int(movie)) for user, movie in random_pairs}
    users, movies = np.array(sorted(pairs)).T
    order = rng.permutation(users.size)  # input order must not matter
    users, movies = users[order], movies[order]
    residuals = rng.normal(size=users.size)
    model = fit_als(users, movies, residuals, 4, regularisation=0.3, iterations=3, seed=5)
    expected_users, expected_movies = _reference_als(users, movies, residuals, 4, 3)
    np.testing.assert_allclose(model.user_factors, expected_users, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.movie_factors, expected_movies, rtol=1e-8, atol=1e-12)
    assert np.bincount(users)[1] == 1 and np.bincount(movies)[99] == 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cf_warehouse(
        tmp_path_factory.mktemp("factors"), RATINGS, count_factors=3, factor_iterations=5
    )


def test_factor_predictions_are_the_baseline_plus_dot_products(built: Path) -> None:
    con = wh.connect(built)
    users = dict(con.execute("select user_id, latent_factors from marts.user_factors").fetchall())
    movies = dict(
        con.execute("select movie_id, latent_factors from marts.movie_factors").fetchall()
    )
    assert sorted(users) == list(range(1, 9)) and sorted(movies) == list(range(1, 7))
    assert all(len(vector) == 3 for vector in [*users.values(), *movies.values()])
    pairs = pl.DataFrame({"user_id": [1, 7, 999], "movie_id": [6, 1, 1]})
    predicted = cf.predict_ratings(con, pairs, "factors")
    baseline = cf.predict_ratings(con, pairs, "baseline")["predicted_rating"].to_list()
    con.close()
    for row, (user, movie) in enumerate([(1, 6), (7, 1)]):
        expected = baseline[row] + float(np.dot(users[user], movies[movie]))
        assert predicted["predicted_rating"][row] == pytest.approx(
            min(5, max(1, expected)), abs=1e-9
        )
    assert predicted["is_fallback"].to_list() == [False, False, True]
    assert predicted["predicted_rating"][2] == pytest.approx(baseline[2])


def test_zero_factors_switch_the_component_off(tmp_path: Path) -> None:
    path = build_cf_warehouse(tmp_path, RATINGS, count_factors=0)
    con = wh.connect(path)
    assert con.execute("select count(*) from marts.user_factors").fetchone() == (0,)
    predicted = cf.predict_ratings(con, pl.DataFrame({"user_id": [1], "movie_id": [6]}), "factors")
    con.close()
    assert predicted["is_fallback"].to_list() == [True]
