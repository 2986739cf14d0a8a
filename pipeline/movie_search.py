"""Find movies by title and list the movies most similar to one (sql/queries/search_movies.sql,
similar_movies.sql). Matching ignores case and accents; the text is always a bound parameter."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline import sqlfiles, warehouse
from pipeline.errors import InvalidInput, UnknownMovie

MAX_MATCHES_SHOWN = 10


@dataclass(frozen=True)
class MovieChoice:
    """The movie a title resolved to, and the other matches when the title was ambiguous."""

    movie_id: int
    title: str
    count_ratings: int
    other_matches: tuple[str, ...]


def search_movies(con: duckdb.DuckDBPyConnection, query: str, limit: int = 20) -> pl.DataFrame:
    """Movies whose title contains `query` (case and accents ignored), most-rated first.

    Columns: movie_id, title, release_year, genres, count_ratings, mean_rating.
    """
    text = query.strip()
    if not text:
        raise InvalidInput("the title to search for is empty.", hint='e.g. "toy story".')
    if limit < 1:
        raise InvalidInput(f"the number of movies must be at least 1, got {limit}.")
    warehouse.require_objects(con, "marts.movies", step="build")
    return _fetch(con, sqlfiles.query("search_movies"), {"query": text, "limit": limit})


def find_movie(con: duckdb.DuckDBPyConnection, title_or_id: str) -> MovieChoice:
    """Resolve a title (or a numeric movie id) to one movie: the most-rated match wins."""
    text = title_or_id.strip()
    if text.isdigit():
        warehouse.require_objects(con, "marts.movies", step="build")
        row = con.execute(
            "select movie_id, title, count_ratings from marts.movies where movie_id = ?",
            [int(text)],
        ).fetchone()
        if row is None:
            raise UnknownMovie(
                f"no movie with id {text}.", hint='watchit search-movies "toy story"'
            )
        return MovieChoice(row[0], row[1], row[2], ())
    matches = search_movies(con, text, limit=MAX_MATCHES_SHOWN + 1)
    if matches.is_empty():
        raise UnknownMovie(
            f'no movie title contains "{text}".',
            hint='try a shorter part of the title, e.g. watchit search-movies "star wars".',
        )
    best = matches.row(0, named=True)
    others = tuple(matches["title"].to_list()[1:])
    return MovieChoice(best["movie_id"], best["title"], best["count_ratings"], others)


def similar_movies(con: duckdb.DuckDBPyConnection, movie_id: int, limit: int = 10) -> pl.DataFrame:
    """The movie's most similar movies: rank, movie_id, title, release_year, genres,
    similarity, count_common_raters (empty when no pair has enough common raters)."""
    if limit < 1:
        raise InvalidInput(f"the number of movies must be at least 1, got {limit}.")
    warehouse.require_objects(con, "marts.movie_neighbours", "marts.movies", step="build")
    return _fetch(con, sqlfiles.query("similar_movies"), {"movie_id": movie_id, "limit": limit})


def _fetch(
    con: duckdb.DuckDBPyConnection, query: str, parameters: dict[str, object]
) -> pl.DataFrame:
    frame = pl.from_arrow(con.sql(query, params=parameters).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame
