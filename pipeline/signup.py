"""Onboarding: register a new user with their first ratings and recommend for them.

The user goes to app.users and the ratings to app.ratings, next to (not inside) the MovieLens
raw tables, in one transaction: bad input raises before anything is written. Recommendations
move from demographic popularity (fewer than MIN_RATINGS_FOR_CF ratings) to item-based
collaborative filtering computed on the fly from the person's ratings and the MovieLens
ratings ("liked together" similarity, sql/queries/onboarding_item_recommendations.sql).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline import cold_start, recommend, sqlfiles, warehouse
from pipeline.errors import DataFileNotFound, InvalidInput, MalformedDataLine, UnknownMovie

log = logging.getLogger(__name__)

MAX_NAME_LENGTH = 100
ONBOARDING_QUESTIONS = 10
# Below this many ratings the demographic list wins (measured: README, cold-start evaluation).
MIN_RATINGS_FOR_CF = 10
# Asymmetric cosine exponent of the co-like similarity (0.5 = cosine, 1 = P(like i | like j)).
CO_LIKE_ALPHA = 0.8
_CANDIDATE_POOL = 200


@dataclass(frozen=True)
class SignupProfile:
    name: str
    profile: cold_start.Profile


def clean_name(name: str) -> str:
    """Strip control/format characters and surrounding space; at most MAX_NAME_LENGTH chars."""
    kept = "".join(
        " " if character in "\t\n\r" else character
        for character in name
        if unicodedata.category(character) not in {"Cc", "Cf"} or character in "\t\n\r"
    )
    cleaned = " ".join(kept.split())[:MAX_NAME_LENGTH].strip()
    if not cleaned:
        raise InvalidInput(f"name must not be empty, got {name!r}.")
    return cleaned


def validate_signup(
    con: duckdb.DuckDBPyConnection,
    *,
    name: str,
    age: int,
    gender: str,
    occupation: str,
    zip_code: str | None = None,
) -> SignupProfile:
    warehouse.require_objects(con, "staging.stg_users", step="load")
    # Checked before anything is stored: the recommendations shown after sign-up need them.
    warehouse.require_objects(
        con, "marts.demographic_groups", "marts.demographic_popular_movies", step="cluster"
    )
    cleaned = clean_name(name)
    profile = cold_start.validate_profile(
        con, age=age, gender=gender, occupation=occupation, zip_code=zip_code
    )
    return SignupProfile(cleaned, profile)


def read_ratings_file(con: duckdb.DuckDBPyConnection, path: Path) -> dict[int, int]:
    """movie_id -> rating from a CSV `movie_id,rating` (header optional); first bad line fails."""
    path = Path(path)
    if not path.is_file():
        raise DataFileNotFound(f"ratings file {path} not found.")
    known = {
        movie_id
        for (movie_id,) in con.execute("select movie_id from staging.stg_movies").fetchall()
    }
    ratings: dict[int, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line_number, row in enumerate(csv.reader(handle), start=1):
            fields = [field.strip() for field in row]
            if not any(fields) or (line_number == 1 and fields[:2] == ["movie_id", "rating"]):
                continue
            where = f"{path} line {line_number}"
            if len(fields) != 2:
                raise MalformedDataLine(
                    f"{where}: expected 2 fields movie_id,rating, got {len(fields)}: {','.join(row)!r}"
                )
            try:
                movie_id, rating = int(fields[0]), int(fields[1])
            except ValueError:
                raise MalformedDataLine(
                    f"{where}: movie_id and rating must be whole numbers, got {','.join(row)!r}"
                ) from None
            if movie_id not in known:
                raise UnknownMovie(f"{where}: no movie with id {movie_id}.")
            if not 1 <= rating <= 5:
                raise MalformedDataLine(f"{where}: rating must be 1 to 5, got {rating}.")
            if movie_id in ratings:
                raise MalformedDataLine(f"{where}: movie {movie_id} is rated twice.")
            ratings[movie_id] = rating
    return ratings


def onboarding_movies(
    con: duckdb.DuckDBPyConnection, count: int = ONBOARDING_QUESTIONS
) -> list[tuple[int, str]]:
    """Well-known movies covering different genres: most-rated first, each adding a new genre."""
    candidates = con.execute(
        sqlfiles.query("well_known_movies"), {"limit": _CANDIDATE_POOL}
    ).fetchall()
    chosen: list[tuple[int, str]] = []
    covered: set[str] = set()
    for movie_id, title, genres, _ in candidates:
        if len(chosen) < count and set(genres) - covered:
            chosen.append((movie_id, title))
            covered |= set(genres)
    for movie_id, title, _, _ in candidates:  # all genres covered: fill by popularity
        if len(chosen) < count and (movie_id, title) not in chosen:
            chosen.append((movie_id, title))
    return chosen


def register_user(
    con: duckdb.DuckDBPyConnection, signup: SignupProfile, ratings: Mapping[int, int]
) -> int:
    """Insert the user and their ratings in one transaction; return the new user id."""
    for movie_id, rating in ratings.items():
        if not 1 <= int(rating) <= 5:
            raise InvalidInput(f"rating for movie {movie_id} must be 1 to 5, got {rating}.")
    if ratings:
        known = con.execute(
            "select movie_id from staging.stg_movies where list_contains($ids, movie_id)",
            {"ids": [int(movie_id) for movie_id in ratings]},
        ).fetchall()
        unknown = sorted(set(ratings) - {movie_id for (movie_id,) in known})
        if unknown:
            raise UnknownMovie(f"no movie with id {unknown[0]}.")
    profile = signup.profile
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        for sql_object in sqlfiles.ordered_objects(("app",)):
            con.execute(sql_object.text)
        ((user_id,),) = con.execute(
            "select greatest("
            " (select coalesce(max(user_id), 0) from staging.stg_users),"
            " (select coalesce(max(user_id), 0) from raw.ratings),"
            " (select coalesce(max(user_id), 0) from app.users)) + 1"
        ).fetchall()
        con.execute(
            "insert into app.users (user_id, name, gender, occupation, zip_code, zip_region, "
            "age_years, age_bucket_code, signed_up_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                user_id,
                signup.name,
                profile.gender,
                profile.occupation,
                profile.zip_code,
                profile.zip_region,
                profile.age_years,
                profile.age_bucket_code,
                now,
            ],
        )
        if ratings:
            con.executemany(
                "insert into app.ratings (user_id, movie_id, rating, rated_at) values (?, ?, ?, ?)",
                [
                    [user_id, int(movie_id), int(rating), now]
                    for movie_id, rating in ratings.items()
                ],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    log.info("registered user %d with %d ratings", user_id, len(ratings))
    return int(user_id)


def recommend_for_new_user(
    con: duckdb.DuckDBPyConnection,
    profile: cold_start.Profile,
    ratings: Mapping[int, int],
    n: int = 10,
    min_ratings_for_cf: int = MIN_RATINGS_FOR_CF,
) -> pl.DataFrame:
    """Demographic list below `min_ratings_for_cf` ratings, else item CF (topped up if short).

    Columns: those of cold_start.recommend_for_demographics plus `method`
    (demographic or item_cf). Movies already rated are never recommended.
    """
    rated = [int(movie_id) for movie_id in ratings]
    if len(ratings) < min_ratings_for_cf:
        return _demographic(con, profile, rated, n)
    collaborative = item_cf_list(con, ratings, n)
    if collaborative.height >= n:
        return collaborative
    # Too few co-liked movies (e.g. only dislikes so far): top up from the demographic list.
    demographic = _demographic(con, profile, rated + collaborative["movie_id"].to_list(), n)
    topped_up = pl.concat([collaborative, demographic]).head(n)
    return topped_up.with_columns(
        pl.int_range(1, topped_up.height + 1).cast(pl.Int32).alias("rank")
    )


def _demographic(
    con: duckdb.DuckDBPyConnection, profile: cold_start.Profile, rated: list[int], n: int
) -> pl.DataFrame:
    return cold_start.demographic_list(con, profile, rated, n).with_columns(
        pl.lit("demographic").alias("method")
    )


def item_cf_list(
    con: duckdb.DuckDBPyConnection, ratings: Mapping[int, int], n: int
) -> pl.DataFrame:
    """Item-based CF from the given ratings alone (sql/queries/onboarding_item_recommendations.sql)."""
    frame = pl.DataFrame(
        {"movie_id": [int(m) for m in ratings], "rating": [int(r) for r in ratings.values()]},
        schema={"movie_id": pl.Int32, "rating": pl.Int32},
    )
    con.register("onboarding_ratings_frame", frame.to_arrow())
    try:
        con.execute(
            "create or replace temp table onboarding_ratings as "
            "select movie_id, rating from onboarding_ratings_frame"
        )
        found = pl.from_arrow(
            con.sql(
                sqlfiles.query("onboarding_item_recommendations"),
                params={"limit": n, "alpha": CO_LIKE_ALPHA},
            ).to_arrow_table()
        )
    finally:
        con.unregister("onboarding_ratings_frame")
        con.execute("drop table if exists onboarding_ratings")
    assert isinstance(found, pl.DataFrame)
    return found.with_columns(
        pl.int_range(1, found.height + 1).cast(pl.Int32).alias("rank"),
        pl.format(
            "liked by {} people who also liked {}",
            pl.col("strongest_count_co_likes"),
            pl.col("strongest_rated_title"),
        ).alias("explanation"),
        pl.lit("item_cf").alias("method"),
    ).select(
        [pl.col(name).cast(dtype) for name, dtype in recommend.OUTPUT_SCHEMA.items()]
        + [pl.col("method")]
    )
