"""The user feature matrix for k-means: genre affinity, activity and a low-rank rating projection.

Per user and genre: the share of the user's ratings that fall in the genre, and the mean of
the user's mean-centred ratings of the genre's movies (0 when none: "no opinion"). Plus
log(1 + count of ratings) and, optionally, a TruncatedSVD projection of the centred user x movie
rating matrix. Every column is standardised so no feature dominates the distances.
The functions take polars frames so they are testable without a warehouse; `load_inputs` is
the one place that reads DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import StandardScaler

# ML-100K's "unknown" genre (2 movies) says nothing about taste.
IGNORED_GENRES = frozenset({"unknown"})
# Standardised values are clipped here: one rating of a rare genre would otherwise put a user
# dozens of deviations away and k-means gives them a cluster of their own.
CLIP_STANDARD_DEVIATIONS = 5.0


@dataclass(frozen=True)
class FeatureMatrix:
    """Standardised features, one row per user (in user_ids order)."""

    user_ids: np.ndarray
    names: tuple[str, ...]
    values: np.ndarray  # shape (users, features), standardised
    genre_shares: pl.DataFrame  # user_id, genre, share (unscaled; used to label clusters)


def load_inputs(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Ratings (user_id, movie_id, rating) and the movie-genre bridge (movie_id, genre)."""
    ratings = _fetch(con, "select user_id, movie_id, rating from staging.stg_ratings")
    movie_genres = _fetch(con, "select movie_id, genre from staging.stg_movie_genres")
    return ratings, movie_genres


def genre_features(ratings: pl.DataFrame, movie_genres: pl.DataFrame) -> pl.DataFrame:
    """Wide frame: user_id, share_<genre>, centred_<genre> for every genre, log_count_ratings."""
    movie_genres = movie_genres.filter(~pl.col("genre").is_in(list(IGNORED_GENRES)))
    centred = ratings.with_columns(
        (pl.col("rating") - pl.col("rating").mean().over("user_id")).alias("centred_rating"),
        pl.len().over("user_id").alias("count_ratings"),
    )
    per_genre = (
        centred.join(movie_genres, on="movie_id", how="inner")
        .group_by("user_id", "genre")
        .agg(
            (pl.len() / pl.col("count_ratings").first()).alias("share"),
            pl.col("centred_rating").mean().alias("centred"),
        )
    )
    genres = sorted(movie_genres["genre"].unique().to_list())
    users = centred.group_by("user_id").agg(
        pl.col("count_ratings").first().log1p().alias("log_count_ratings")
    )
    wide = users
    for measure in ("share", "centred"):
        pivoted = per_genre.pivot(on="genre", index="user_id", values=measure)
        pivoted = pivoted.rename({genre: f"{measure}_{genre}" for genre in pivoted.columns[1:]})
        wide = wide.join(pivoted, on="user_id", how="left")
    columns = [f"{measure}_{genre}" for measure in ("share", "centred") for genre in genres]
    for column in columns:
        if column not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(column))
    return (
        wide.select("user_id", *columns, "log_count_ratings")
        .with_columns(pl.col(columns).fill_null(0.0))
        .sort("user_id")
    )


def genre_shares_long(features: pl.DataFrame) -> pl.DataFrame:
    """user_id, genre, share: the share_<genre> columns of `genre_features` in long form."""
    share_columns = [column for column in features.columns if column.startswith("share_")]
    return (
        features.select("user_id", *share_columns)
        .unpivot(index="user_id", variable_name="genre", value_name="share")
        .with_columns(pl.col("genre").str.strip_prefix("share_"))
    )


def rating_projection(
    ratings: pl.DataFrame, user_ids: np.ndarray, n_components: int, random_state: int
) -> np.ndarray:
    """TruncatedSVD of the user-mean-centred sparse rating matrix; rows follow user_ids."""
    movie_ids = np.sort(ratings["movie_id"].unique().to_numpy())
    n_components = min(n_components, len(movie_ids) - 1, len(user_ids) - 1)
    if n_components < 1:
        return np.zeros((len(user_ids), 0))
    centred = ratings.with_columns(
        (pl.col("rating") - pl.col("rating").mean().over("user_id")).alias("centred")
    )
    rows = np.searchsorted(user_ids, centred["user_id"].to_numpy())
    columns = np.searchsorted(movie_ids, centred["movie_id"].to_numpy())
    matrix = sparse.csr_matrix(
        (centred["centred"].to_numpy().astype(float), (rows, columns)),
        shape=(len(user_ids), len(movie_ids)),
    )
    svd = TruncatedSVD(n_components=n_components, random_state=random_state)
    return np.asarray(svd.fit_transform(matrix))


def user_feature_matrix(
    ratings: pl.DataFrame,
    movie_genres: pl.DataFrame,
    svd_components: int = 0,
    random_state: int = 0,
) -> FeatureMatrix:
    """Standardised feature matrix of every user with ratings (sorted by user_id)."""
    features = genre_features(ratings, movie_genres)
    user_ids = features["user_id"].to_numpy()
    names = [column for column in features.columns if column != "user_id"]
    values = features.select(names).to_numpy().astype(float)
    if svd_components > 0:
        projection = rating_projection(ratings, user_ids, svd_components, random_state)
        values = np.hstack([values, projection])
        names += [f"svd_{index + 1}" for index in range(projection.shape[1])]
    # Rounded first: a column that is constant up to float noise (a centred mean of exactly 0)
    # would otherwise be blown up to unit variance. A truly constant column stays 0.
    values = np.round(values, 9)
    scaled = StandardScaler().fit_transform(values) if len(values) else values
    scaled = np.clip(scaled, -CLIP_STANDARD_DEVIATIONS, CLIP_STANDARD_DEVIATIONS)
    return FeatureMatrix(user_ids, tuple(names), scaled, genre_shares_long(features))


def _fetch(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    frame = pl.from_arrow(con.sql(query).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame
