"""Synthetic MovieLens data with planted taste groups for the cluster and cold-start tests.

Users 1-20 (men, 25-34, programmers) rate only action/sci-fi movies 1-20; users 21-40 (women,
35-44, academics) rate only romance/drama movies 21-40. Everyone rates 14 of their 20 movies.
"""

from __future__ import annotations

ACTION_MOVIES = range(1, 21)
ROMANCE_MOVIES = range(21, 41)
ACTION_FANS = range(1, 21)
ROMANCE_FANS = range(21, 41)

MOVIES = [
    (movie_id, f"Action Film {movie_id} (1990)", "Action|Sci-Fi") for movie_id in ACTION_MOVIES
] + [(movie_id, f"Love Story {movie_id} (1995)", "Romance|Drama") for movie_id in ROMANCE_MOVIES]
# gender, ML-1M age code, occupation code (12 programmer, 1 academic/educator), zip
USERS = [(user_id, "M", 25, 12, f"1{user_id:04d}") for user_id in ACTION_FANS] + [
    (user_id, "F", 35, 1, f"9{user_id:04d}") for user_id in ROMANCE_FANS
]


def planted_ratings() -> list[tuple[int, int, int, int]]:
    rows = []
    for fans, movies in ((ACTION_FANS, ACTION_MOVIES), (ROMANCE_FANS, ROMANCE_MOVIES)):
        for user_id in fans:
            for position, movie_id in enumerate(movies):
                if (user_id + position) % 10 in (0, 3, 7):
                    continue  # each user skips 6 of the 20 movies of their taste
                # Early movies of each block are liked by more people: a popularity gradient.
                rating = 5 if position < 5 else 4 if (user_id + position) % 3 else 2
                rows.append((user_id, movie_id, rating, 978300000 + user_id * 100 + position))
    return rows
