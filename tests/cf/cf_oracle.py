"""Independent numpy implementations of what the CF SQL computes, for the tests to compare with.

Written from the formulas in the SQL headers, not from the SQL: loops over pairs, two-pass
means, no shared code with pipeline/.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Rating = tuple[int, int, float]  # (user_id, movie_id, stars)


@dataclass(frozen=True)
class Biases:
    global_mean: float
    user: dict[int, float]
    movie: dict[int, float]


def als_biases(
    ratings: Sequence[Rating], user_lambda: float, movie_lambda: float, epochs: int = 10
) -> Biases:
    """Surprise BaselineOnly(method='als'): alternate closed-form user then movie updates."""
    users = np.array([user for user, _, _ in ratings])
    movies = np.array([movie for _, movie, _ in ratings])
    stars = np.array([rating for _, _, rating in ratings], dtype=float)
    mu = stars.mean()
    user_bias = {int(user): 0.0 for user in np.unique(users)}
    movie_bias = {int(movie): 0.0 for movie in np.unique(movies)}
    for _ in range(epochs):
        for user in user_bias:
            mask = users == user
            residual = stars[mask] - mu - np.array([movie_bias[m] for m in movies[mask]])
            user_bias[user] = residual.sum() / (user_lambda + mask.sum())
        for movie in movie_bias:
            mask = movies == movie
            residual = stars[mask] - mu - np.array([user_bias[u] for u in users[mask]])
            movie_bias[movie] = residual.sum() / (movie_lambda + mask.sum())
    return Biases(float(mu), user_bias, movie_bias)


def _cosine(left: np.ndarray, right: np.ndarray) -> float | None:
    denominator = math.sqrt(float(left @ left) * float(right @ right))
    return None if denominator == 0 else float(left @ right) / denominator


def similarities(
    ratings: Sequence[Rating],
    of: str,
    min_support: int,
    shrinkage: float,
    biases: Biases,
) -> dict[tuple[int, int], dict[str, float | None]]:
    """Every ordered pair of movies (of='movie') or users (of='user') with >= min_support common
    raters/movies: count, cosine, adjusted cosine (whole-profile user means), Pearson, Pearson-baseline,
    shrunk similarity. None where the SQL must give NULL."""
    by_user: dict[int, dict[int, float]] = {}
    for user, movie, rating in ratings:
        by_user.setdefault(user, {})[movie] = float(rating)
    user_mean = {user: float(np.mean(list(row.values()))) for user, row in by_user.items()}
    if of == "movie":
        profiles: dict[int, dict[int, float]] = {}
        for user, row in by_user.items():
            for movie, rating in row.items():
                profiles.setdefault(movie, {})[user] = rating
    else:
        profiles = by_user

    def residual(entity: int, other: int, rating: float) -> float:
        user, movie = (other, entity) if of == "movie" else (entity, other)
        return rating - biases.global_mean - biases.user[user] - biases.movie[movie]

    result = {}
    for first, first_profile in profiles.items():
        for second, second_profile in profiles.items():
            if first == second:
                continue
            common = sorted(set(first_profile) & set(second_profile))
            if len(common) < min_support:
                continue
            x = np.array([first_profile[c] for c in common])
            y = np.array([second_profile[c] for c in common])
            row: dict[str, float | None] = {"count": float(len(common))}
            row["cosine"] = _cosine(x, y)
            if of == "movie":
                means = np.array([user_mean[c] for c in common])
                row["adjusted_cosine"] = _cosine(x - means, y - means)
            else:
                row["adjusted_cosine"] = _cosine(x - user_mean[first], y - user_mean[second])
            row["pearson"] = _cosine(x - x.mean(), y - y.mean())
            residual_x = np.array([residual(first, c, first_profile[c]) for c in common])
            residual_y = np.array([residual(second, c, second_profile[c]) for c in common])
            pearson_baseline = _cosine(residual_x, residual_y)
            row["pearson_baseline"] = pearson_baseline
            row["similarity"] = (
                None
                if pearson_baseline is None
                else pearson_baseline * len(common) / (len(common) + shrinkage)
            )
            result[(first, second)] = row
    return result
