"""Latent factors of the baseline residuals, fitted by alternating least squares (numpy only).

The hybrid's third component: residual z_ui = r_ui - (mu + b_u + b_i) is approximated by the
dot product p_u . q_i of a user and a movie factor vector, minimising
    sum_(u,i) (z_ui - p_u . q_i)^2 + lambda * (sum_u n_u |p_u|^2 + sum_i n_i |q_i|^2)
(ALS with weighted-lambda regularisation, Zhou et al. 2008: each entity's penalty grows with its
rating count n). Each half-step is an exact ridge regression per user (movies fixed) or per
movie (users fixed). Pure: arrays in, arrays out; pipeline/cf.py stores the factors in
marts.user_factors / marts.movie_factors and SQL computes the dot products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FactorModel:
    user_ids: np.ndarray  # (n_users,) ids in row order of user_factors
    movie_ids: np.ndarray  # (n_movies,)
    user_factors: np.ndarray  # (n_users, count_factors)
    movie_factors: np.ndarray  # (n_movies, count_factors)


def fit_als(
    user_ids: np.ndarray,
    movie_ids: np.ndarray,
    residuals: np.ndarray,
    count_factors: int,
    regularisation: float,
    iterations: int,
    seed: int,
) -> FactorModel:
    """Fit user and movie factors to residuals (one entry per training rating)."""
    users, user_index = np.unique(user_ids, return_inverse=True)
    movies, movie_index = np.unique(movie_ids, return_inverse=True)
    rng = np.random.default_rng(seed)
    user_factors = np.zeros((users.size, count_factors))
    movie_factors = rng.normal(0.0, 0.1, (movies.size, count_factors))
    by_user = _grouped(user_index, movie_index, residuals, users.size)
    by_movie = _grouped(movie_index, user_index, residuals, movies.size)
    for _ in range(iterations):
        user_factors = _solve_side(by_user, movie_factors, regularisation)
        movie_factors = _solve_side(by_movie, user_factors, regularisation)
    return FactorModel(users, movies, user_factors, movie_factors)


def _grouped(
    rows: np.ndarray, columns: np.ndarray, values: np.ndarray, count_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR-like grouping: (boundaries, column indices, values) sorted by row."""
    order = np.argsort(rows, kind="stable")
    boundaries = np.zeros(count_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=count_rows), out=boundaries[1:])
    return boundaries, columns[order], values[order]


def _solve_side(
    grouped: tuple[np.ndarray, np.ndarray, np.ndarray],
    fixed: np.ndarray,
    regularisation: float,
) -> np.ndarray:
    """Ridge solution for every row given the other side's factors."""
    boundaries, columns, values = grouped
    count_factors = fixed.shape[1]
    identity = np.eye(count_factors)
    solved = np.zeros((boundaries.size - 1, count_factors))
    for row in range(boundaries.size - 1):
        start, stop = boundaries[row], boundaries[row + 1]
        if start == stop:
            continue
        neighbours = fixed[columns[start:stop]]
        gram = neighbours.T @ neighbours + regularisation * (stop - start) * identity
        solved[row] = np.linalg.solve(gram, neighbours.T @ values[start:stop])
    return solved
