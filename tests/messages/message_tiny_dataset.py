"""A tiny MovieLens folder in which every user gets several recommendations after a build."""

from __future__ import annotations

from pathlib import Path

from movielens_files import write_movielens_dir

# 12 movies with the hard cases for the guard: an article moved to the end, a latin-1 title,
# one-word common titles, a title ending in "!", asterisks, and one title in two years.
TINY_MOVIES = [
    (1, "Toy Story (1995)", "Animation|Children's|Comedy"),
    (2, "Misérables, Les (1995)", "Drama|Musical"),
    (3, "Star Wars: Episode IV - A New Hope (1977)", "Action|Adventure|Sci-Fi"),
    (4, "Alien (1979)", "Horror|Sci-Fi"),
    (5, "Matrix, The (1999)", "Action|Sci-Fi|Thriller"),
    (6, "Big (1988)", "Comedy|Fantasy"),
    (7, "Heat (1995)", "Action|Crime|Thriller"),
    (8, "M*A*S*H (1970)", "Comedy|War"),
    (9, "That Darn Cat! (1997)", "Children's|Comedy|Mystery"),
    (10, "Fargo (1996)", "Crime|Drama|Thriller"),
    (11, "Sabrina (1954)", "Comedy|Romance"),
    (12, "Sabrina (1995)", "Comedy|Romance"),
]
TINY_USERS = [
    (1, "F", 1, 10, "48067"),
    (2, "M", 56, 16, "70072"),
    (3, "M", 25, 15, "55117"),
    (4, "F", 45, 7, "02460"),
    (5, "F", 25, 12, "55455"),
    (6, "M", 35, 17, "10021"),
    (7, "F", 18, 4, "94110"),
    (8, "M", 50, 0, "K1A0B1"),
]


def tiny_ratings() -> list[tuple[int, int, int, int]]:
    """Each user rates about half the movies, with deterministic varied stars."""
    ratings = []
    for user_id, *_ in TINY_USERS:
        for movie_id, *_ in TINY_MOVIES:
            if (user_id + movie_id) % 2 == 0 or movie_id == user_id:
                stars = 1 + (user_id * 3 + movie_id * 7) % 5
                ratings.append((user_id, movie_id, stars, 978300000 + user_id * 100 + movie_id))
    return ratings


def write_tiny_dataset(folder: Path) -> Path:
    return write_movielens_dir(folder, ratings=tiny_ratings(), movies=TINY_MOVIES, users=TINY_USERS)
