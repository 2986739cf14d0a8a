"""Latent factors of the baseline residuals, fitted by alternating least squares (numpy only).

The hybrid's third component: residual z_ui = r_ui - (mu + b_u + b_i) is approximated by the
dot product p_u . q_i of a user and a movie factor vector, minimising
    sum_(u,i) (z_ui - p_u . q_i)^2 + lambda * (sum_u n_u |p_u|^2 + sum_i n_i |q_i|^2)
(ALS with weighted-lambda regularisation, Zhou et al. 2008: each entity's penalty grows with its
rating count n). Each half-step is an exact ridge regression per user (movies fixed) or per
movie (users fixed). Pure: arrays in, arrays out; pipeline/cf.py stores the factors in
marts.user_factors / marts.movie_factors and SQL computes the dot products.

Speed: one Python-level solve per entity took ~9 s at ML-1M size (1M ratings, 50 factors,
15 iterations, 2 cores); batched it takes ~4.5 s (~7 s on one core). Entities with
similar rating counts are solved together: their neighbour factors are gathered into one
zero-padded (entities, width, factors) block, so one batched matmul forms all their Gram
matrices and one batched np.linalg.solve solves them. Zero padding adds exact zeros, so each
entity's system is the one it always was. Batches run on a small thread pool (numpy releases
the GIL in matmul and solve; each batch writes its own rows, so the result does not depend on
the scheduling).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

# A batch is cut once its padded block reaches this many neighbour rows: enough entities per
# call to drown numpy's per-call overhead, small enough (4096 x 50 factors x 8 B = 1.6 MB) to stay
# in cache between the gather and the matmul. Fastest of 1024..16384 on ML-1M-sized data.
ROWS_PER_BATCH = 4096
# numpy releases the GIL in the batched matmul and solve, so threads use the other cores.
WORKER_THREADS = min(8, os.cpu_count() or 1)


@dataclass(frozen=True)
class FactorModel:
    user_ids: np.ndarray  # (n_users,) ids in row order of user_factors
    movie_ids: np.ndarray  # (n_movies,)
    user_factors: np.ndarray  # (n_users, count_factors)
    movie_factors: np.ndarray  # (n_movies, count_factors)


@dataclass(frozen=True)
class _Batch:
    """Entities solved together, each with its neighbours padded to a common width."""

    rows: np.ndarray  # (entities,) rows of the side being solved
    neighbours: np.ndarray  # (entities, width) rows of the fixed side; padding = its zero row
    values: np.ndarray  # (entities, width) residuals; 0 on padding
    penalties: np.ndarray  # (entities,) lambda * rating count, added to the Gram diagonal


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
    residuals = np.asarray(residuals, dtype=np.float64)
    by_user = _batches(user_index, movie_index, residuals, users.size, movies.size, regularisation)
    by_movie = _batches(movie_index, user_index, residuals, movies.size, users.size, regularisation)
    with ThreadPoolExecutor(WORKER_THREADS) as pool:
        for _ in range(iterations):
            user_factors = _solve_side(pool, by_user, users.size, movie_factors)
            movie_factors = _solve_side(pool, by_movie, movies.size, user_factors)
    return FactorModel(users, movies, user_factors, movie_factors)


def _batches(
    rows: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
    count_rows: int,
    count_columns: int,
    regularisation: float,
) -> list[_Batch]:
    """Group the ratings by row, then cut rows sorted by rating count into padded batches."""
    order = np.argsort(rows, kind="stable")
    columns, values = columns[order], values[order]
    counts = np.bincount(rows, minlength=count_rows)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    by_count = np.argsort(counts, kind="stable")
    by_count = by_count[counts[by_count] > 0]
    # A batch padded to the count of its last (largest) row: rows before it fit while
    # (rows so far + 1) * count <= ROWS_PER_BATCH; a row with more ratings forms its own batch.
    batches = []
    begin = 0
    while begin < by_count.size:
        end = begin + 1
        while end < by_count.size and (end + 1 - begin) * counts[by_count[end]] <= ROWS_PER_BATCH:
            end += 1
        members = by_count[begin:end]
        offsets = np.arange(counts[members[-1]])
        is_rating = offsets < counts[members][:, None]
        positions = np.where(is_rating, starts[members][:, None] + offsets, 0)
        batches.append(
            _Batch(
                rows=members,
                neighbours=np.where(is_rating, columns[positions], count_columns),
                values=np.where(is_rating, values[positions], 0.0),
                penalties=regularisation * counts[members],
            )
        )
        begin = end
    # Largest first, so the threads end together instead of waiting on one late big batch.
    return sorted(batches, key=lambda batch: -batch.neighbours.size)


def _solve_side(
    pool: ThreadPoolExecutor, batches: list[_Batch], count_rows: int, fixed: np.ndarray
) -> np.ndarray:
    """Ridge solution for every row given the other side's factors."""
    # Padding points at this extra zero row, so padded neighbours add nothing to a Gram matrix.
    fixed_with_zero = np.vstack([fixed, np.zeros((1, fixed.shape[1]))])
    solved = np.zeros((count_rows, fixed.shape[1]))
    # list() waits for every batch and re-raises a worker's exception here.
    list(pool.map(lambda batch: _solve_batch(batch, fixed_with_zero, solved), batches))
    return solved


def _solve_batch(batch: _Batch, fixed_with_zero: np.ndarray, solved: np.ndarray) -> None:
    """Solve (N^T N + lambda n I) x = N^T z for every entity of the batch at once."""
    # take() on flat indices gathers about twice as fast as fancy indexing with a 2-D index.
    neighbours = fixed_with_zero.take(batch.neighbours.ravel(), axis=0).reshape(
        *batch.neighbours.shape, fixed_with_zero.shape[1]
    )  # (entities, width, factors)
    gram = np.matmul(neighbours.transpose(0, 2, 1), neighbours)
    diagonal = np.arange(fixed_with_zero.shape[1])
    gram[:, diagonal, diagonal] += batch.penalties[:, None]
    right_hand_side = np.matmul(batch.values[:, None, :], neighbours).transpose(0, 2, 1)
    solved[batch.rows] = np.linalg.solve(gram, right_hand_side)[:, :, 0]
