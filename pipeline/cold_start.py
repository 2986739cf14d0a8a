"""Recommendations without a rating history: demographic groups and taste-cluster popularity.

`recommend_for_demographics` serves a person known only by age, gender, occupation (and zip):
the most specific demographic group with enough members (backing off to broader groups) and
its popular movies (marts.demographic_popular_movies). `recommend_for_cluster_members` serves
known users the popular movies of their k-means taste cluster they have not rated yet.
Both need `watchit cluster`; `watchit recommend` calls them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline import sqlfiles, warehouse
from pipeline.errors import InvalidInput, UnknownUser
from pipeline.recommend import OUTPUT_SCHEMA  # same columns, so callers treat both lists alike

GENDERS = {"M": "men", "F": "women"}
MIN_AGE, MAX_AGE = 1, 120
# Same rule as staging.stg_users: a US zip code's first digit is its national area.
_ZIP_REGION = re.compile(r"^[0-9]")


@dataclass(frozen=True)
class Profile:
    """A validated cold-start profile, in the vocabulary of staging.stg_users."""

    age_years: int
    age_bucket_code: int
    age_bucket: str
    gender: str
    occupation: str
    zip_code: str | None
    zip_region: str | None


def zip_region(zip_code: str | None) -> str | None:
    """First digit of a US zip code, 'other' for anything else, None when not given."""
    if zip_code is None or not zip_code.strip():
        return None
    zip_code = zip_code.strip()
    return zip_code[0] if _ZIP_REGION.match(zip_code) else "other"


def known_occupations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Occupations of the loaded layout (staging.stg_occupations)."""
    rows = con.execute(
        "select occupation from staging.stg_occupations "
        "where layout = (select any_value(layout) from meta.datasets) order by occupation"
    ).fetchall()
    return [occupation for (occupation,) in rows]


def validate_profile(
    con: duckdb.DuckDBPyConnection,
    *,
    age: int,
    gender: str,
    occupation: str,
    zip_code: str | None = None,
) -> Profile:
    """Check age 1..120, gender M/F and a known occupation; map age and zip like staging does."""
    if isinstance(age, bool) or not isinstance(age, int) or not MIN_AGE <= age <= MAX_AGE:
        raise InvalidInput(f"age must be a whole number from {MIN_AGE} to {MAX_AGE}, got {age!r}.")
    normalised_gender = str(gender).strip().upper()
    if normalised_gender not in GENDERS:
        raise InvalidInput(f"gender must be M or F, got {gender!r}.")
    occupations = known_occupations(con)
    by_lower = {name.lower(): name for name in occupations}
    canonical = by_lower.get(str(occupation).strip().lower())
    if canonical is None:
        raise InvalidInput(
            f"unknown occupation {occupation!r}.", hint=f"use one of: {', '.join(occupations)}."
        )
    (bucket,) = con.execute(
        "select age_bucket_code, age_bucket from staging.stg_age_buckets "
        "where ? between min_age and max_age",
        [age],
    ).fetchall()  # stg_age_buckets covers every age from 0 to 200 exactly once
    cleaned_zip = zip_code.strip() if zip_code and zip_code.strip() else None
    return Profile(
        age, bucket[0], bucket[1], normalised_gender, canonical, cleaned_zip, zip_region(zip_code)
    )


def recommend_for_demographics(
    con: duckdb.DuckDBPyConnection,
    *,
    age: int,
    gender: str,
    occupation: str,
    zip_code: str | None = None,
    n: int = 10,
) -> pl.DataFrame:
    """Top-n popular movies of the person's demographic group (backing off when it is small).

    Columns: rank, movie_id, title, release_year, genres, predicted_rating (the group's damped
    mean rating), score (damped like share), explanation.
    """
    _check_limit(n)
    profile = validate_profile(
        con, age=age, gender=gender, occupation=occupation, zip_code=zip_code
    )
    return demographic_list(con, profile, excluded_movie_ids=(), n=n)


def demographic_list(
    con: duckdb.DuckDBPyConnection,
    profile: Profile,
    excluded_movie_ids: Sequence[int],
    n: int,
) -> pl.DataFrame:
    """The group's top-n movies minus `excluded_movie_ids` (those already rated)."""
    warehouse.require_objects(
        con, "marts.demographic_groups", "marts.demographic_popular_movies", step="cluster"
    )
    groups = con.execute(
        sqlfiles.query("demographic_group_for_profile"),
        {
            "age_bucket_code": profile.age_bucket_code,
            "gender": profile.gender,
            "occupation": profile.occupation,
            "zip_region": profile.zip_region,
        },
    ).fetchall()
    if not groups:
        raise InvalidInput(
            "the warehouse has no demographic groups.", hint="run `watchit cluster`."
        )
    group_id, level, *_ = groups[0]
    frame = _fetch(
        con,
        sqlfiles.query("demographic_recommendations"),
        {
            "group_id": group_id,
            "excluded_movie_ids": [int(m) for m in excluded_movie_ids],
            "limit": n,
        },
    )
    audience = describe_group(level, profile)
    return frame.with_columns(
        pl.int_range(1, frame.height + 1).cast(pl.Int32).alias("rank"),
        pl.format(
            "popular with {} ({} viewers, {} liked it)",
            pl.lit(audience),
            pl.col("count_ratings"),
            pl.col("count_likes"),
        ).alias("explanation"),
    ).select([pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items()])


def describe_group(level: int, profile: Profile) -> str:
    """'women aged 25-34 who work as programmer' for the attributes the chosen level uses."""
    if level == 0:
        return "all viewers"
    who = GENDERS[profile.gender] if level >= 2 else "viewers"
    text = f"{who} aged {profile.age_bucket}"
    if level >= 3:
        text += f" who work as {profile.occupation}"
    if level >= 4:
        text += f" in zip area {profile.zip_region}"
    return text


def recommend_for_cluster_members(
    con: duckdb.DuckDBPyConnection, user_ids: list[int] | None, n: int = 10
) -> pl.DataFrame:
    """Per user: their taste cluster's popular movies they have not rated, top n.

    user_ids=None means every clustered user. Columns: user_id, then the columns of
    recommend_for_demographics.
    """
    _check_limit(n)
    warehouse.require_objects(
        con, "marts.user_clusters", "marts.cluster_popular_movies", step="cluster"
    )
    if user_ids is None:
        requested = _fetch(con, "select user_id from marts.user_clusters")
    else:
        requested = pl.DataFrame(
            {"user_id": [int(user_id) for user_id in user_ids]}, schema={"user_id": pl.Int32}
        )
        clustered = _fetch(
            con,
            "select user_id from marts.user_clusters where list_contains($ids, user_id)",
            {"ids": requested["user_id"].to_list()},
        )
        missing = sorted(set(requested["user_id"].to_list()) - set(clustered["user_id"].to_list()))
        if missing:
            raise UnknownUser(
                f"user(s) {', '.join(map(str, missing[:10]))} have no taste cluster.",
                hint="only users with ratings are clustered; re-run `watchit cluster` after a load.",
            )
    con.register(
        "requested_users_frame", requested.select(pl.col("user_id").cast(pl.Int32)).to_arrow()
    )
    try:
        con.execute(
            "create or replace temp table requested_users as "
            "select user_id from requested_users_frame"
        )
        frame = _fetch(con, sqlfiles.query("cluster_member_recommendations"), {"limit": n})
    finally:
        con.unregister("requested_users_frame")
        con.execute("drop table if exists requested_users")
    return frame.with_columns(
        pl.format(
            'popular in your taste group "{}" ({} of {} members liked it)',
            pl.col("cluster_label"),
            pl.col("count_likes"),
            pl.col("cluster_size"),
        ).alias("explanation")
    ).select(
        pl.col("user_id").cast(pl.Int32),
        *[pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items()],
    )


def _check_limit(n: int) -> None:
    if n < 1:
        raise InvalidInput(f"the number of recommendations must be at least 1, got {n}.")


def _fetch(
    con: duckdb.DuckDBPyConnection, query: str, parameters: object | None = None
) -> pl.DataFrame:
    frame = pl.from_arrow(con.sql(query, params=parameters).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame
