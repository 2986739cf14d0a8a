"""Collaborative filtering driver: build the SQL models, fit the hybrid blend, predict ratings.

All the modelling lives in SQL (sql/intermediate, sql/marts, sql/queries/predict_*.sql); this
module only writes the build parameters, runs the layers, fits the few blend weights by least
squares and hands prediction requests to the query files through a temp table.

Blend fitting (honest validation): with `validation_fraction > 0` the build first runs with
`is_validation_build = 1`, which makes intermediate.int_ratings_kept_for_training drop a seeded
hash-selected fraction of the training ratings; every model (biases, similarities) is built
without them, the component predictions for the held-out ratings are computed with the normal
prediction queries and the weights are fitted on them. Then (`refit_on_all_ratings`) the models
are rebuilt on all ratings and the weights kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from pipeline import latent_factors, similarity_blocks, sqlfiles, warehouse
from pipeline.errors import InvalidInput

log = logging.getLogger(__name__)

METHODS = ("baseline", "user", "item", "factors", "hybrid")
# Features of the hybrid, in the order of the least-squares columns (see predict_hybrid.sql).
BLEND_COMPONENTS = (
    "intercept",
    "item_residual",
    "user_residual",
    "factor_residual",
    "item_residual_by_confidence",
    "user_residual_by_confidence",
)
# Used when the validation holdout is too small to fit anything (tiny test warehouses).
DEFAULT_BLEND_WEIGHTS = {
    "intercept": 0.0,
    "item_residual": 0.5,
    "user_residual": 0.5,
    "factor_residual": 0.0,
    "item_residual_by_confidence": 0.0,
    "user_residual_by_confidence": 0.0,
}
MIN_VALIDATION_RATINGS = 30


@dataclass(frozen=True)
class CfConfig:
    """Every CF build parameter with its default; written to meta.build_parameters.

    Defaults follow Surprise's KNNBaseline (k=40, shrinkage=100, ALS biases with
    lambda_u=15, lambda_i=10) except min_support, which keeps the similarity tables small.
    The latent-factor settings were tuned on ML-100K fold 0 (bench/rating_quality.py --quick).
    """

    item_neighbours_k: int = 40  # neighbours per (user, movie) for item kNN, and per movie listed
    user_neighbours_k: int = 40  # neighbours per (user, movie) for user kNN, and per user listed
    min_support: int = 3  # pairs with fewer co-raters are absent from the similarity tables
    users_kept_per_user: int = 300  # most similar users stored per user (user kNN pool)
    shrinkage: float = 100.0  # similarity * n / (n + shrinkage)
    user_bias_regularisation: float = 15.0  # lambda_u of the ALS baseline
    movie_bias_regularisation: float = 10.0  # lambda_i of the ALS baseline
    validation_fraction: float = 0.1  # share of each validation user's ratings held out
    validation_seed: int = 42  # seed of the hash that picks the holdout
    validation_max_users: int = 1000  # users whose ratings the holdout samples (hash order)
    refit_on_all_ratings: bool = True  # rebuild on all ratings after fitting the weights
    count_factors: int = 50  # latent factors per user and movie (0 = no factor component)
    factor_regularisation: float = 0.12  # ALS weighted-lambda: lambda * ratings per entity
    factor_iterations: int = 15  # ALS passes (users then movies)
    factor_seed: int = 42  # seed of the random initial movie factors

    def __post_init__(self) -> None:
        for name in (
            "item_neighbours_k",
            "user_neighbours_k",
            "users_kept_per_user",
            "min_support",
            "factor_iterations",
            "validation_max_users",
        ):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1, got {getattr(self, name)}.")
        for name in (
            "shrinkage",
            "user_bias_regularisation",
            "movie_bias_regularisation",
            "count_factors",
            "factor_regularisation",
        ):
            if getattr(self, name) < 0:
                raise InvalidInput(f"{name} must be >= 0, got {getattr(self, name)}.")
        if not 0 <= self.validation_fraction < 1:
            raise InvalidInput(
                f"validation_fraction must be in [0, 1), got {self.validation_fraction}."
            )

    def as_parameters(self) -> dict[str, float]:
        return {field.name: float(getattr(self, field.name)) for field in dataclasses.fields(self)}


PARAMETER_DESCRIPTIONS = {
    "item_neighbours_k": "Item kNN: neighbours used per (user, movie); top-k listed per movie.",
    "user_neighbours_k": "User kNN: neighbours used per (user, movie); top-k listed per user.",
    "min_support": "Minimum common raters (movies) for a similarity pair to exist.",
    "users_kept_per_user": "Most similar users stored per user in marts.user_similarities.",
    "shrinkage": "Similarity shrinkage lambda: sim * n / (n + lambda).",
    "user_bias_regularisation": "lambda_u of the ALS user biases.",
    "movie_bias_regularisation": "lambda_i of the ALS movie biases.",
    "validation_fraction": "Share of each validation user's ratings held out to fit the blend.",
    "validation_seed": "Seed of the hash choosing the validation holdout.",
    "validation_max_users": "Users (first by seeded hash) whose ratings the holdout samples.",
    "refit_on_all_ratings": "1 = rebuild on all ratings after fitting the blend weights.",
    "is_validation_build": "1 while the models are built without the validation holdout.",
    "count_factors": "Latent factors per user and movie (0 = no factor component).",
    "factor_regularisation": "ALS weighted-lambda: penalty lambda * n on each factor vector.",
    "factor_iterations": "ALS passes over users then movies.",
    "factor_seed": "Seed of the random initial movie factors.",
}

Progress = Callable[[str], None]


def write_parameters(
    con: duckdb.DuckDBPyConnection, config: CfConfig, is_validation_build: bool
) -> None:
    """Replace the CF rows of meta.build_parameters (views read them with subqueries)."""
    values = config.as_parameters() | {"is_validation_build": float(is_validation_build)}
    con.execute("create schema if not exists meta")
    con.executemany(
        "insert or replace into meta.build_parameters (name, description, value) values (?, ?, ?)",
        [[name, PARAMETER_DESCRIPTIONS[name], value] for name, value in values.items()],
    )


def build_models(
    con: duckdb.DuckDBPyConnection,
    config: CfConfig = CfConfig(),
    progress: Progress | None = None,
) -> None:
    """Build biases, similarities and neighbours in SQL, then fit the hybrid blend weights."""
    report = progress or (lambda message: log.info("%s", message))
    # Row order of the tables is not part of their contract; letting DuckDB drop it saves
    # memory and time in the big self-joins.
    con.execute("set preserve_insertion_order = false")
    validate = config.validation_fraction > 0
    write_parameters(con, config, is_validation_build=validate)
    report("building models" + (" without the validation holdout" if validate else ""))
    _build_layers_and_factors(con, config, report, is_validation_build=validate)
    if validate:
        report("fitting hybrid blend weights on the validation holdout")
        weights, count, rmse = fit_blend_weights(con)
    else:
        weights, count, rmse = dict(DEFAULT_BLEND_WEIGHTS), 0, None
    if validate and config.refit_on_all_ratings:
        write_parameters(con, config, is_validation_build=False)
        report("rebuilding models on all training ratings")
        _build_layers_and_factors(con, config, report, is_validation_build=False)
    store_blend_weights(con, weights, count, rmse)


def _build_layers_and_factors(
    con: duckdb.DuckDBPyConnection, config: CfConfig, report: Progress, is_validation_build: bool
) -> None:
    fills = {
        "marts.movie_similarities": lambda: similarity_blocks.fill_movie_similarities(con, report),
        "marts.user_similarities": lambda: similarity_blocks.fill_user_similarities(
            con, validation_users_only=is_validation_build, progress=report
        ),
    }
    warehouse.apply_sql_layers(con, sqlfiles.BUILD_LAYERS, fills=fills)
    report("fitting latent factors")
    fit_factors(con, config)


def fit_factors(con: duckdb.DuckDBPyConnection, config: CfConfig) -> None:
    """Fit ALS factors of the baseline residuals; replace marts.user_factors/movie_factors."""
    con.execute("delete from marts.user_factors")
    con.execute("delete from marts.movie_factors")
    if config.count_factors == 0:
        return
    residuals = _fetch_polars(
        con, "select user_id, movie_id, baseline_residual from intermediate.int_ratings_centered"
    )
    if residuals.is_empty():
        return
    model = latent_factors.fit_als(
        residuals["user_id"].to_numpy(),
        residuals["movie_id"].to_numpy(),
        residuals["baseline_residual"].to_numpy(),
        count_factors=config.count_factors,
        regularisation=config.factor_regularisation,
        iterations=config.factor_iterations,
        seed=config.factor_seed,
    )
    for table, column, ids, factors in (
        ("user_factors", "user_id", model.user_ids, model.user_factors),
        ("movie_factors", "movie_id", model.movie_ids, model.movie_factors),
    ):
        frame = pl.DataFrame(
            {column: ids.astype(np.int32), "latent_factors": factors.tolist()},
            schema={column: pl.Int32, "latent_factors": pl.List(pl.Float64)},
        )
        con.register("fitted_factors", frame.to_arrow())
        try:
            con.execute(
                f"insert into marts.{table} ({column}, latent_factors) "
                f"select {column}, latent_factors from fitted_factors"
            )
        finally:
            con.unregister("fitted_factors")


def fit_blend_weights(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, float], int, float | None]:
    """Least-squares weights of the hybrid features on the held-out validation ratings."""
    held_out = _fetch_polars(
        con,
        "select user_id, movie_id, rating from intermediate.int_ratings_held_out_for_validation",
    )
    if held_out.height < MIN_VALIDATION_RATINGS:
        log.warning(
            "only %d validation ratings; using default blend weights %s",
            held_out.height,
            DEFAULT_BLEND_WEIGHTS,
        )
        return dict(DEFAULT_BLEND_WEIGHTS), held_out.height, None
    features = blend_features(con, held_out.select("user_id", "movie_id")).join(
        held_out, on=["user_id", "movie_id"], how="inner"
    )
    design = features.select(BLEND_COMPONENTS).to_numpy()
    target = (features["rating"] - features["baseline_rating"]).to_numpy()
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    weights = {name: float(value) for name, value in zip(BLEND_COMPONENTS, solution, strict=True)}
    blended = np.clip(features["baseline_rating"].to_numpy() + design @ solution, 1, 5)
    rmse = float(np.sqrt(np.mean((blended - features["rating"].to_numpy()) ** 2)))
    log.info("blend weights %s, validation RMSE %.4f on %d ratings", weights, rmse, len(target))
    return weights, features.height, rmse


def blend_features(con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame) -> pl.DataFrame:
    """The hybrid's features per pair: baseline and the residual predictions (0 if none)."""
    item = _run_prediction_query(con, pairs, "predict_item")
    user = _run_prediction_query(con, pairs, "predict_user")
    factors = _run_prediction_query(con, pairs, "predict_factors")
    return (
        item.select(
            "user_id",
            "movie_id",
            "baseline_rating",
            pl.lit(1.0).alias("intercept"),
            pl.col("residual_prediction").fill_null(0.0).alias("item_residual"),
            _by_confidence("item_residual_by_confidence"),
        )
        .join(
            user.select(
                "user_id",
                "movie_id",
                pl.col("residual_prediction").fill_null(0.0).alias("user_residual"),
                _by_confidence("user_residual_by_confidence"),
            ),
            on=["user_id", "movie_id"],
        )
        .join(
            factors.select(
                "user_id",
                "movie_id",
                pl.col("residual_prediction").fill_null(0.0).alias("factor_residual"),
            ),
            on=["user_id", "movie_id"],
        )
    )


def _by_confidence(name: str) -> pl.Expr:
    """kNN residual * S / (S + 1), S = sum of the used neighbours' similarities (0 if none)."""
    similarity_sum = pl.col("sum_similarities")
    return (
        (pl.col("residual_prediction") * similarity_sum / (similarity_sum + 1))
        .fill_null(0.0)
        .alias(name)
    )


def store_blend_weights(
    con: duckdb.DuckDBPyConnection, weights: dict[str, float], count: int, rmse: float | None
) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con.execute("delete from marts.hybrid_blend_weights")
    con.executemany(
        "insert into marts.hybrid_blend_weights "
        "(component, weight, count_validation_ratings, validation_rmse, fitted_at) "
        "values (?, ?, ?, ?, ?)",
        [[name, weights[name], count, rmse, now] for name in BLEND_COMPONENTS],
    )


def predict_ratings(
    con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame, method: str
) -> pl.DataFrame:
    """Predict ratings for (user_id, movie_id) pairs with baseline, user, item, factors or hybrid.

    Returns user_id, movie_id, predicted_rating (clipped to 1..5) and is_fallback, one row per
    input row in input order. A pair without a qualifying neighbour gets the baseline
    (is_fallback true); an unknown user or movie has bias 0, so both unknown gives the global
    mean of the training ratings.
    """
    if method not in METHODS:
        raise InvalidInput(
            f"unknown prediction method {method!r}.", hint=f"use one of {', '.join(METHODS)}."
        )
    missing = {"user_id", "movie_id"} - set(pairs.columns)
    if missing:
        raise InvalidInput(f"prediction pairs lack column(s): {', '.join(sorted(missing))}.")
    warehouse.require_objects(
        con, "marts.rating_baselines", "marts.movie_similarities", step="build"
    )
    keys = pairs.select(pl.col("user_id").cast(pl.Int32), pl.col("movie_id").cast(pl.Int32))
    predicted = _run_prediction_query(con, keys, f"predict_{method}")
    return keys.join(
        predicted.select("user_id", "movie_id", "predicted_rating", "is_fallback"),
        on=["user_id", "movie_id"],
        how="left",
        maintain_order="left",
    )


def _run_prediction_query(
    con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame, query_name: str
) -> pl.DataFrame:
    """Register pairs as temp table prediction_requests and run sql/queries/<query_name>.sql."""
    requests = pairs.select(
        pl.col("user_id").cast(pl.Int32), pl.col("movie_id").cast(pl.Int32)
    ).unique()
    con.register("prediction_requests_frame", requests.to_arrow())
    try:
        con.execute(
            "create or replace temp table prediction_requests as "
            "select user_id, movie_id from prediction_requests_frame"
        )
        return _fetch_polars(con, sqlfiles.query(query_name))
    finally:
        con.unregister("prediction_requests_frame")
        con.execute("drop table if exists prediction_requests")


def _fetch_polars(
    con: duckdb.DuckDBPyConnection, query: str, parameters: list[object] | None = None
) -> pl.DataFrame:
    """Run a query and return a polars frame (DuckDB 2 results expose Arrow, not .pl())."""
    frame = pl.from_arrow(con.sql(query, params=parameters).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame
