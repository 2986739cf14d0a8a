"""Generate MovieLens-format data (ML-1M `.dat` layout) with realistic shape, for tests and benchmarks.

What makes it realistic enough to exercise the recommender:
- user activity is heavy-tailed (lognormal), every user has at least 20 ratings like ML-1M
  whenever `n_ratings` allows it;
- movie popularity is heavy-tailed (Zipf-like, shuffled over ids), so a few movies get most
  ratings and some get none;
- stars come from a latent-factor model: global mean + user bias + movie bias (popular movies
  are rated a little higher) + user . movie factors + noise, rounded and clipped to 1..5
  (mean about 3.6, as in ML-1M's 3.58);
- each (user, movie) pair appears once and a user's timestamps increase line by line.

Users are generated in chunks and written as they are made, so 10M ratings need a few hundred
MB at most. The same arguments and seed give byte-identical files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.errors import InvalidInput

GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
# ML-1M's age codes with roughly their share of users.
AGE_CODES = (1, 18, 25, 35, 45, 50, 56)
AGE_SHARES = (0.04, 0.18, 0.35, 0.20, 0.09, 0.08, 0.06)
# ML-1M's time span (first and last rating), in epoch seconds.
FIRST_RATED_AT = 956_703_932
LAST_RATED_AT = 1_046_454_590
MIN_RATINGS_PER_USER = 20
LATENT_FACTORS = 8
CHUNK_RATINGS = 1_000_000
# Words for titles; two carry latin-1 characters and one title form holds a colon, like ML-1M.
_TITLE_WORDS = (
    "Night", "River", "Stranger", "Summer", "Café", "Return", "Machine", "Garden", "Misérables",
    "Empire", "Secret", "Last", "Island", "Dream", "City", "Storm", "Heart", "Shadow",
)  # fmt: skip

Progress = Callable[[int, int], None]


def generate_movielens(
    folder: Path,
    n_users: int,
    n_movies: int,
    n_ratings: int,
    seed: int = 0,
    users_file: Path | None = None,
    movies_file: Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write ratings.dat, users.dat and movies.dat in exact ML-1M format into `folder`.

    `users_file` / `movies_file` reuse a real users.dat / movies.dat (copied byte for byte):
    ratings are then generated over their ids and `n_users` / `n_movies` are ignored.
    `progress(ratings_written, n_ratings)` is called after every chunk. Returns `folder`.
    """
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    user_ids = _ids_of(users_file) if users_file else np.arange(1, n_users + 1, dtype=np.int64)
    movie_ids = _ids_of(movies_file) if movies_file else np.arange(1, n_movies + 1, dtype=np.int64)
    n_users, n_movies = len(user_ids), len(movie_ids)
    if n_users < 1 or n_movies < 1 or n_ratings < 1:
        raise InvalidInput("users, movies and ratings must each be at least 1.")
    if n_ratings > n_users * n_movies:
        raise InvalidInput(
            f"{n_ratings:,} ratings do not fit {n_users:,} users x {n_movies:,} movies "
            "(each pair is rated at most once).",
            hint="ask for fewer ratings or more users/movies.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    if users_file:
        shutil.copyfile(users_file, folder / "users.dat")
    else:
        _write_users(folder / "users.dat", user_ids, rng)
    if movies_file:
        shutil.copyfile(movies_file, folder / "movies.dat")
    else:
        _write_movies(folder / "movies.dat", movie_ids, rng)

    model = _LatentModel(n_users, n_movies, rng)
    counts = _ratings_per_user(n_users, n_movies, n_ratings, rng)
    with (folder / "ratings.dat").open("wb") as handle:
        written = 0
        for first, last in _chunks(counts):
            users, movies = _sample_movies(first, counts[first:last], model.popularity, rng)
            stars = model.stars(users, movies, rng)
            rated_at = _timestamps(users, rng)
            _write_ratings(handle, user_ids[users], movie_ids[movies], stars, rated_at)
            written += len(users)
            if progress:
                progress(written, n_ratings)
    return folder


def _ids_of(path: Path) -> np.ndarray:
    """The first `::` field of every non-empty line of a users.dat or movies.dat."""
    lines = Path(path).read_bytes().decode("latin-1").splitlines()
    return np.array([int(line.split("::", 1)[0]) for line in lines if line.strip()], np.int64)


class _LatentModel:
    """Biases and factors of every user and movie; `stars` turns (user, movie) into 1..5."""

    def __init__(self, n_users: int, n_movies: int, rng: np.random.Generator) -> None:
        ranks = rng.permutation(n_movies) + 1
        popularity = 1.0 / (ranks + 10.0) ** 0.95  # Zipf-like, flattened at the head
        self.popularity = popularity / popularity.sum()
        log_popularity = np.log(self.popularity)
        standardised = (log_popularity - log_popularity.mean()) / (log_popularity.std() or 1.0)
        self.global_mean = 3.45  # calibrated so the clipped, rounded mean lands near 3.6
        self.user_bias = rng.normal(0.0, 0.45, n_users)
        self.movie_bias = 0.15 * standardised + rng.normal(0.0, 0.5, n_movies)
        scale = (0.55 / np.sqrt(LATENT_FACTORS)) ** 0.5  # affinity std about 0.55
        self.user_factors = rng.normal(0.0, scale, (n_users, LATENT_FACTORS))
        self.movie_factors = rng.normal(0.0, scale, (n_movies, LATENT_FACTORS))

    def stars(self, users: np.ndarray, movies: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        affinity = np.einsum("ij,ij->i", self.user_factors[users], self.movie_factors[movies])
        score: npt.NDArray[np.float64] = (
            self.global_mean
            + self.user_bias[users]
            + self.movie_bias[movies]
            + affinity
            + rng.normal(0.0, 0.8, len(users))
        )
        return np.clip(np.rint(score), 1, 5).astype(np.int8)


def _ratings_per_user(
    n_users: int, n_movies: int, n_ratings: int, rng: np.random.Generator
) -> np.ndarray:
    """Heavy-tailed counts summing to n_ratings, each between the floor and n_movies."""
    floor = min(MIN_RATINGS_PER_USER, n_ratings // n_users, n_movies)
    counts = np.full(n_users, floor, dtype=np.int64)
    weights = rng.lognormal(0.0, 1.1, n_users)
    remaining = n_ratings - counts.sum()
    while remaining > 0:
        room = n_movies - counts
        share = np.where(room > 0, weights, 0.0)
        extra = np.minimum(np.floor(remaining * share / share.sum()).astype(np.int64), room)
        if extra.sum() == 0:  # rounding left a few: one each to random users with room
            open_users = np.flatnonzero(room > 0)
            extra = np.zeros(n_users, dtype=np.int64)
            extra[rng.choice(open_users, min(remaining, len(open_users)), replace=False)] = 1
        counts += extra
        remaining = n_ratings - counts.sum()
    return counts


def _chunks(counts: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive user ranges holding about CHUNK_RATINGS ratings each."""
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(CHUNK_RATINGS, ends[-1], CHUNK_RATINGS), side="right")
    bounds = [0, *sorted({int(cut) for cut in cuts} - {0, len(counts)}), len(counts)]
    return list(zip(bounds[:-1], bounds[1:], strict=False))


def _sample_movies(
    first_user: int, counts: np.ndarray, popularity: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct movies per user, drawn by popularity; returns (user index, movie index) rows.

    Draw with replacement, drop repeats, top up the users still short; after a few rounds
    the heaviest users (who would keep hitting movies they already have) are filled uniformly
    from the movies they lack.
    """
    n_movies = len(popularity)
    local_users = np.arange(len(counts))
    cumulative = np.cumsum(popularity)
    cumulative[-1] = 1.0
    have_users = np.empty(0, np.int64)
    have_movies = np.empty(0, np.int64)
    need = counts.copy()
    for _ in range(6):
        if not need.any():
            break
        draws = need + np.ceil(need * 0.25).astype(np.int64) + (need > 0) * 4
        users = np.repeat(local_users, draws)
        movies = np.searchsorted(cumulative, rng.random(len(users)), side="right")
        movies = np.minimum(movies, n_movies - 1)
        users, movies = _new_distinct(users, movies, have_users, have_movies, n_movies, rng)
        users, movies = _first_per_user(users, movies, need)
        have_users = np.concatenate([have_users, users])
        have_movies = np.concatenate([have_movies, movies])
        need = need - np.bincount(users, minlength=len(counts))
    for user in np.flatnonzero(need):
        lacking = np.setdiff1d(np.arange(n_movies), have_movies[have_users == user])
        chosen = rng.choice(lacking, need[user], replace=False)
        have_users = np.concatenate([have_users, np.full(len(chosen), user)])
        have_movies = np.concatenate([have_movies, chosen])
    # Group by user, keeping the draw order inside a user (it becomes the timestamp order).
    order = np.argsort(have_users, kind="stable")
    return have_users[order] + first_user, have_movies[order]


def _new_distinct(
    users: np.ndarray,
    movies: np.ndarray,
    have_users: np.ndarray,
    have_movies: np.ndarray,
    n_movies: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Drop draws repeated among themselves or already held; return the rest in random order."""
    keys = users * n_movies + movies
    keys = np.unique(keys)
    held = np.sort(have_users * n_movies + have_movies)
    if len(held):
        position = np.minimum(np.searchsorted(held, keys), len(held) - 1)
        keys = keys[held[position] != keys]
    keys = keys[rng.permutation(len(keys))]
    return keys // n_movies, keys % n_movies


def _first_per_user(
    users: np.ndarray, movies: np.ndarray, need: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Keep at most need[user] rows per user, in the given (random) order."""
    order = np.argsort(users, kind="stable")
    users, movies = users[order], movies[order]
    starts = np.searchsorted(users, users, side="left")
    rank = np.arange(len(users)) - starts
    keep = rank < need[users]
    return users[keep], movies[keep]


def _timestamps(users: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Strictly increasing epoch seconds per user: sessions of quick ratings, days apart."""
    n = len(users)
    gaps = 1 + rng.exponential(40.0, n)
    new_session = rng.random(n) < 0.04
    gaps[new_session] += rng.exponential(7 * 86_400.0, int(new_session.sum()))
    gaps = np.floor(gaps).astype(np.int64)
    is_first = np.ones(n, dtype=bool)
    is_first[1:] = users[1:] != users[:-1]
    gaps[is_first] = 0
    elapsed = np.cumsum(gaps)
    group_start = np.maximum.accumulate(np.where(is_first, np.arange(n), 0))
    elapsed -= elapsed[group_start]
    span = LAST_RATED_AT - FIRST_RATED_AT
    user_starts = rng.integers(0, span, n)[group_start]  # one draw per user (first row's)
    start: np.ndarray = FIRST_RATED_AT + np.minimum(
        user_starts, np.maximum(span - elapsed[_last_of(users)], 0)
    )
    return start + elapsed


def _last_of(users: np.ndarray) -> np.ndarray:
    """For each row, the index of its user's last row."""
    n = len(users)
    is_last = np.ones(n, dtype=bool)
    is_last[:-1] = users[:-1] != users[1:]
    last_index = np.where(is_last, np.arange(n), n)
    return np.minimum.accumulate(last_index[::-1])[::-1]


def _write_ratings(
    handle: BinaryIO, users: np.ndarray, movies: np.ndarray, stars: np.ndarray, rated_at: np.ndarray
) -> None:
    frame = pl.DataFrame({"u": users, "m": movies, "r": stars, "t": rated_at})
    lines = frame.select(
        pl.concat_str([pl.col("u"), pl.col("m"), pl.col("r"), pl.col("t")], separator="::")
    )
    lines.write_csv(handle, include_header=False, quote_style="never")


def _write_users(path: Path, user_ids: np.ndarray, rng: np.random.Generator) -> None:
    n = len(user_ids)
    genders = np.where(rng.random(n) < 0.72, "M", "F")
    ages = rng.choice(np.array(AGE_CODES), n, p=np.array(AGE_SHARES))
    occupations = rng.integers(0, 21, n)
    zips = rng.integers(0, 100_000, n)
    text = "".join(
        f"{user_id}::{gender}::{age}::{occupation}::{zip_code:05d}\n"
        for user_id, gender, age, occupation, zip_code in zip(
            user_ids, genders, ages, occupations, zips, strict=True
        )
    )
    path.write_bytes(text.encode("latin-1"))


def _write_movies(path: Path, movie_ids: np.ndarray, rng: np.random.Generator) -> None:
    lines = []
    for movie_id in movie_ids:
        first, second = rng.choice(len(_TITLE_WORDS), 2, replace=False)
        year = int(rng.integers(1919, 2001))
        title = f"{_TITLE_WORDS[first]} {_TITLE_WORDS[second]} {movie_id}"
        if rng.random() < 0.1:
            title += f": Part {int(rng.integers(2, 5))}"
        genres = rng.choice(len(GENRES), int(rng.integers(1, 4)), replace=False)
        genre_text = "|".join(GENRES[index] for index in sorted(genres))
        lines.append(f"{movie_id}::{title} ({year})::{genre_text}\n")
    path.write_bytes("".join(lines).encode("latin-1"))
