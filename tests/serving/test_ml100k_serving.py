"""Serving on the real ML-100K: one warehouse built per module."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from pipeline import movie_search, recommend
from pipeline import warehouse as wh
from pipeline.cli import app

pytestmark = pytest.mark.realdata


@pytest.fixture
def con(ml100k_built: Path) -> duckdb.DuckDBPyConnection:
    connection = wh.connect(ml100k_built)
    yield connection
    connection.close()


def rated_by(con: duckdb.DuckDBPyConnection, user_id: int) -> set[int]:
    rows = con.execute(
        "select movie_id from staging.stg_ratings where user_id = ?", [user_id]
    ).fetchall()
    return {movie_id for (movie_id,) in rows}


@pytest.mark.parametrize("method", ["hybrid", "item", "user", "popular"])
def test_user_1_gets_ten_unrated_explained_movies(
    con: duckdb.DuckDBPyConnection, method: str
) -> None:
    frame = recommend.recommend_for_user(con, 1, method=method, n=10)
    assert frame.height == 10
    assert frame["rank"].to_list() == list(range(1, 11))
    assert not rated_by(con, 1) & set(frame["movie_id"].to_list())
    assert (frame["explanation"].str.len_chars() > 10).all()
    assert frame["predicted_rating"].is_between(1, 5).all()
    assert frame["title"].null_count() == 0
    if method in ("hybrid", "item", "user"):
        # User 1 rated 272 movies: the list is personal, not the popular fallback.
        assert not frame["explanation"].str.starts_with("popular").any()


def test_item_explanations_name_a_movie_the_user_rated_with_its_stars(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = recommend.recommend_for_user(con, 1, method="item", n=10)
    ratings = dict(
        con.execute(
            "select movies.title, ratings.rating from staging.stg_ratings as ratings "
            "inner join marts.movies as movies using (movie_id) where ratings.user_id = 1"
        ).fetchall()
    )
    for explanation in frame["explanation"]:
        title, stars = explanation.removeprefix("because you rated ").rsplit(" ", 2)[:2]
        assert ratings[title] == float(stars), explanation


def test_similar_to_toy_story_shares_its_genres(con: duckdb.DuckDBPyConnection) -> None:
    choice = movie_search.find_movie(con, "toy story")
    assert choice.title == "Toy Story (1995)"
    similar = movie_search.similar_movies(con, choice.movie_id, 10)
    assert similar.height == 10
    assert (similar["count_common_raters"] >= 3).all()
    toy_story_genres = {"Animation", "Children's", "Comedy"}

    def shares(genres: str | None) -> bool:
        return bool(genres) and bool(set(genres.split(" | ")) & toy_story_genres)

    top_share = sum(map(shares, similar["genres"])) / similar.height
    catalogue = con.execute("select genres from marts.movies").fetchall()
    catalogue_share = sum(shares(genres) for (genres,) in catalogue) / len(catalogue)
    assert top_share >= 0.6
    assert top_share > 1.5 * catalogue_share


def test_recommend_all_covers_every_user_without_rated_movies(
    ml100k_built: Path, tmp_path: Path
) -> None:
    target = tmp_path / "recs.parquet"
    result = CliRunner(env={"COLUMNS": "3000"}).invoke(
        app,
        ["--warehouse", str(ml100k_built), "recommend", "--all", "--method", "item",
         "--output", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(target)
    assert frame["user_id"].n_unique() == 943
    assert frame.height == 9430
    con = wh.connect(ml100k_built)
    try:
        ratings = pl.from_arrow(
            con.sql("select user_id, movie_id from staging.stg_ratings").to_arrow_table()
        )
    finally:
        con.close()
    assert isinstance(ratings, pl.DataFrame)
    overlap = frame.join(ratings, on=["user_id", "movie_id"], how="semi")
    assert overlap.height == 0
