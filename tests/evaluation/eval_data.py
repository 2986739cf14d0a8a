"""Synthetic MovieLens rows for the evaluation tests: two taste groups, ties in time."""

from __future__ import annotations

import numpy as np

SYNTHETIC_USERS = 40
SYNTHETIC_MOVIES = 30


def synthetic_rows(seed: int = 7) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Two taste groups, 12-20 ratings per user, timestamps with deliberate ties."""
    rng = np.random.default_rng(seed)
    movies = [(movie, f"Movie {movie} (1999)", "Drama") for movie in range(1, SYNTHETIC_MOVIES + 1)]
    users = [
        (user, "F" if user % 2 else "M", 25, 1, "12345") for user in range(1, SYNTHETIC_USERS + 1)
    ]
    ratings = []
    for user in range(1, SYNTHETIC_USERS + 1):
        count = int(rng.integers(12, 21))
        chosen = rng.choice(SYNTHETIC_MOVIES, count, replace=False) + 1
        for position, movie in enumerate(chosen):
            likes = (movie <= SYNTHETIC_MOVIES // 2) == (user % 2 == 0)
            stars = int(np.clip(round((4.3 if likes else 2.2) + rng.normal(0, 0.7)), 1, 5))
            # position // 3: three ratings share each timestamp, so ties must be broken.
            ratings.append((user, int(movie), stars, 978300000 + 60 * (position // 3)))
    return ratings, movies, users
