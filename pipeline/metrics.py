"""Evaluation metrics: rating error and top-N ranking quality. Pure numpy; no I/O.

Definitions (binary relevance; `ranked` is one user's recommendation list, best first;
`relevant` is the set of that user's held-out movies rated >= the threshold):
- precision@k = |top k ∩ relevant| / k  (a list shorter than k still divides by k)
- recall@k    = |top k ∩ relevant| / |relevant|
- hit rate@k  = 1 if top k contains a relevant movie, else 0
- nDCG@k      = DCG@k / IDCG@k, DCG = sum over hits at rank r (1-based) of 1 / log2(r + 1),
                IDCG = the DCG of min(|relevant|, k) hits at ranks 1.. (sklearn's ndcg_score)
- AP@k        = sum over hits at rank r <= k of precision@r, divided by min(|relevant|, k)
                (so a perfect list scores 1 even when the user has more than k relevant movies;
                with k >= list length and every relevant movie ranked this is sklearn's
                average_precision_score); MAP@k = mean AP@k over users.
Users without any relevant held-out movie are skipped by the per-user means (their recall,
nDCG and AP are undefined); the number of users averaged is reported alongside.
- catalogue coverage = distinct movies recommended to anyone / movies in the catalogue
- novelty = mean over all recommended (user, movie) of -log2 p(movie), p = share of training
  users who rated the movie (a movie no training user rated counts as rated by one user)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def rmse(actual: Sequence[float] | np.ndarray, predicted: Sequence[float] | np.ndarray) -> float:
    """Root mean squared error."""
    errors = _errors(actual, predicted)
    return float(np.sqrt(np.mean(errors**2)))


def mae(actual: Sequence[float] | np.ndarray, predicted: Sequence[float] | np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(_errors(actual, predicted))))


def _errors(
    actual: Sequence[float] | np.ndarray, predicted: Sequence[float] | np.ndarray
) -> np.ndarray:
    actual_array = np.asarray(actual, dtype=np.float64)
    predicted_array = np.asarray(predicted, dtype=np.float64)
    if actual_array.shape != predicted_array.shape or actual_array.size == 0:
        raise ValueError(
            f"need two equally long non-empty arrays, got {actual_array.shape} and {predicted_array.shape}"
        )
    if np.isnan(predicted_array).any():
        raise ValueError("predictions contain NaN")
    return actual_array - predicted_array


def _hits(ranked: Sequence[int], relevant: Collection[int], k: int) -> np.ndarray:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return np.array([movie in relevant for movie in list(ranked)[:k]], dtype=float)


def precision_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    return float(_hits(ranked, relevant, k).sum() / k)


def recall_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    if not relevant:
        raise ValueError("recall is undefined without relevant items")
    return float(_hits(ranked, relevant, k).sum() / len(relevant))


def hit_rate_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    return float(_hits(ranked, relevant, k).any())


def ndcg_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    if not relevant:
        raise ValueError("nDCG is undefined without relevant items")
    hits = _hits(ranked, relevant, k)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = discounts[: min(len(relevant), k)].sum()
    return float((hits * discounts[: hits.size]).sum() / ideal)


def average_precision_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    if not relevant:
        raise ValueError("average precision is undefined without relevant items")
    hits = _hits(ranked, relevant, k)
    precisions = np.cumsum(hits) / np.arange(1, hits.size + 1)
    return float((precisions * hits).sum() / min(len(relevant), k))


def catalogue_coverage(recommended: Iterable[Sequence[int]], catalogue_size: int) -> float:
    """Share of the catalogue recommended to at least one user."""
    if catalogue_size < 1:
        raise ValueError("catalogue_size must be at least 1")
    distinct = {movie for ranked in recommended for movie in ranked}
    return len(distinct) / catalogue_size


def novelty(
    recommended: Iterable[Sequence[int]], raters_per_movie: Mapping[int, int], count_users: int
) -> float:
    """Mean self-information -log2(p) of the recommended movies (higher = less popular)."""
    if count_users < 1:
        raise ValueError("count_users must be at least 1")
    information = [
        -math.log2(max(raters_per_movie.get(movie, 0), 1) / count_users)
        for ranked in recommended
        for movie in ranked
    ]
    if not information:
        raise ValueError("no recommendations to measure")
    return float(np.mean(information))


@dataclass(frozen=True)
class TopNScores:
    """Means over users with at least one relevant held-out movie."""

    precision: float
    recall: float
    ndcg: float
    map: float
    hit_rate: float
    count_users: int


def top_n_scores(
    recommendations: Mapping[int, Sequence[int]], relevant: Mapping[int, Collection[int]], k: int
) -> TopNScores:
    """Average the per-user metrics at k over users having relevant movies.

    A user with relevant movies but no recommendation list counts with an empty list (all 0).
    """
    users = [user for user, movies in relevant.items() if movies]
    if not users:
        nan = float("nan")
        return TopNScores(nan, nan, nan, nan, nan, 0)
    per_user = np.array(
        [
            (
                precision_at_k(recommendations.get(user, ()), relevant[user], k),
                recall_at_k(recommendations.get(user, ()), relevant[user], k),
                ndcg_at_k(recommendations.get(user, ()), relevant[user], k),
                average_precision_at_k(recommendations.get(user, ()), relevant[user], k),
                hit_rate_at_k(recommendations.get(user, ()), relevant[user], k),
            )
            for user in users
        ]
    )
    precision, recall, ndcg, average_precision, hit_rate = (
        float(value) for value in per_user.mean(axis=0)
    )
    return TopNScores(precision, recall, ndcg, average_precision, hit_rate, len(users))
