"""Staging views on the tiny fixture: the hard cases survive loading."""

from __future__ import annotations

from pathlib import Path

from pipeline import warehouse as wh


def test_latin1_title_and_colon_title_load_intact(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    titles = dict(con.execute("select movie_id, title from staging.stg_movies").fetchall())
    assert titles[2] == "Misérables, Les (1995)"
    assert titles[3] == "Star Wars: Episode IV - A New Hope (1977)"


def test_release_year_parsed_from_title(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    years = dict(con.execute("select movie_id, release_year from staging.stg_movies").fetchall())
    assert years == {1: 1995, 2: 1995, 3: 1977, 4: 1979, 5: 1990}


def test_genre_bridge_keeps_childrens(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    genres = con.execute(
        "select genre from staging.stg_movie_genres where movie_id = 1 order by genre"
    ).fetchall()
    assert [genre for (genre,) in genres] == ["Animation", "Children's", "Comedy"]


def test_unrated_movie_is_kept(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    assert con.execute("select count(*) from staging.stg_movies where movie_id = 5").fetchone() == (
        1,
    )
    assert con.execute(
        "select count(*) from staging.stg_ratings where movie_id = 5"
    ).fetchone() == (0,)


def test_users_get_occupation_names_and_buckets(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    rows = con.execute(
        "select user_id, occupation, age_bucket_code, zip_region from staging.stg_users order by 1"
    ).fetchall()
    assert rows[0] == (1, "K-12 student", 1, "4")
    assert rows[3] == (4, "executive/managerial", 45, "0")


def test_timestamps_are_utc(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    (rated_at,) = con.execute(
        "select rated_at from staging.stg_ratings where user_id = 1 and movie_id = 1"
    ).fetchone()
    assert rated_at.isoformat() == "2000-12-31T22:12:40"
