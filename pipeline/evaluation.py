"""Evaluate WatchIt's methods on stored splits, with training on the train part only.

Every fold is evaluated in a training copy of the warehouse (pipeline.splits.training_copy): the
fold's test ratings are deleted from raw.ratings and every derived table is rebuilt there, so no
test rating reaches biases, similarities, neighbours, clusters or popularity.

- Rating prediction (kfold, temporal): RMSE and MAE of baseline/user/item/hybrid on the test
  ratings, per fold, then the mean over folds (as Surprise's cross_validate reports it).
- Top-N (temporal: each user's last N ratings held out): lists of up to `max_list_length`
  movies from pipeline.recommend for every test user; a held-out movie rated >= the relevance
  threshold is relevant; movies the user rated in training are never candidates (the copy only
  holds training ratings, and any such movie left in a list is dropped and logged).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline import (
    cf,
    cluster_build,
    clustering,
    cold_start_eval,
    metrics,
    recommend,
    splits,
    warehouse,
)
from pipeline.errors import InvalidInput

log = logging.getLogger(__name__)

RATING_METHODS = cf.METHODS
TOP_N_METHODS = recommend.METHODS
PROTOCOLS = ("kfold", "temporal", "cold-start")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class EvaluationConfig:
    """What to evaluate and how; every figure stored with it in eval.results.parameters."""

    seed: int = 0
    count_folds: int = 5
    max_folds: int | None = None  # evaluate only the first folds (quick runs); None = all
    holdout_ratings_per_user: int = 10  # temporal: each user's N latest ratings held out
    relevance_threshold: float = 4.0  # a held-out rating >= this is relevant
    k: int = 10  # cut-off of the top-N metrics
    max_list_length: int = 20  # longest list, for precision/recall as N grows
    cold_start_user_fraction: float = 0.1
    cf_config: cf.CfConfig = field(default_factory=cf.CfConfig)

    def __post_init__(self) -> None:
        if self.k < 1 or self.max_list_length < self.k:
            raise InvalidInput(
                f"need 1 <= k <= max_list_length, got k={self.k}, "
                f"max_list_length={self.max_list_length}."
            )
        if self.max_folds is not None and self.max_folds < 1:
            raise InvalidInput(f"max_folds must be at least 1, got {self.max_folds}.")

    def split(self, protocol: str) -> splits.SplitConfig:
        return splits.SplitConfig(
            protocol,
            seed=self.seed,
            count_folds=self.count_folds,
            holdout_ratings_per_user=self.holdout_ratings_per_user,
            holdout_user_fraction=self.cold_start_user_fraction,
        )

    def folds(self, split: splits.SplitConfig) -> range:
        folds = split.folds
        return folds if self.max_folds is None else folds[: self.max_folds]

    def parameters(self, protocol: str) -> dict[str, Any]:
        values: dict[str, Any] = {"seed": self.seed, "protocol": protocol}
        if protocol == "kfold":
            values |= {"count_folds": self.count_folds, "max_folds": self.max_folds}
        if protocol == "temporal":
            values |= {
                "holdout_ratings_per_user": self.holdout_ratings_per_user,
                "relevance_threshold": self.relevance_threshold,
                "k": self.k,
            }
        if protocol == "cold-start":
            values |= {"user_fraction": self.cold_start_user_fraction}
        return values | {"cf": self.cf_config.as_parameters()}


TASKS = ("rating", "top-n", "cold-start", "sweep")


@dataclass(frozen=True)
class Result:
    protocol: str  # split protocol: kfold, temporal, cold-start (sweep: kfold)
    task: str  # rating (RMSE/MAE), top-n (ranking metrics), cold-start or sweep
    method: str
    metric: str
    value: float | None
    parameters: dict[str, Any]


@dataclass
class EvaluationRun:
    run_id: str
    code_version: str
    results: list[Result] = field(default_factory=list)
    # method, n, precision, recall: top-N quality as the list grows (temporal protocol)
    curves: pl.DataFrame | None = None

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [{k: v for k, v in asdict(row).items() if k != "parameters"} for row in self.results],
            schema={
                "protocol": pl.Utf8,
                "task": pl.Utf8,
                "method": pl.Utf8,
                "metric": pl.Utf8,
                "value": pl.Float64,
            },
        )


def code_version() -> str:
    """`git describe --always --dirty` of this checkout, else the installed package version."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        described = ""
    if described:
        return described
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("watchit")
    except PackageNotFoundError:
        return "unknown"


def new_run() -> EvaluationRun:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return EvaluationRun(run_id=f"{stamp}-{secrets.token_hex(3)}", code_version=code_version())


def prepare_splits(path: Path, config: EvaluationConfig, protocols: Sequence[str]) -> None:
    """Make (or remake) the stored splits the protocols need, in the warehouse itself."""
    con = warehouse.connect(path, read_only=False)
    try:
        for protocol in protocols:
            splits.make_split(con, config.split(protocol))
    finally:
        con.close()


# ---------------------------------------------------------------- rating prediction


def rating_scores_for_fold(
    copy: splits.TrainingCopy,
    methods: Sequence[str],
    cf_config: cf.CfConfig,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Build the CF models in a training copy and score each method on its test ratings.

    Returns one dict per method: method, rmse, mae, fit_seconds (the one build shared by all
    CF methods), predict_seconds, count_ratings, share_fallback.
    """
    report = progress or (lambda message: log.info("%s", message))
    started = time.perf_counter()
    cf.build_models(copy.con, cf_config, progress=report)
    return score_ratings(copy, methods, time.perf_counter() - started, report)


def score_ratings(
    copy: splits.TrainingCopy,
    methods: Sequence[str],
    fit_seconds: float,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """RMSE/MAE of each method on the copy's test ratings; the models must be built."""
    report = progress or (lambda message: log.info("%s", message))
    test = copy.test_ratings
    rows = []
    for method in methods:
        report(f"predicting {test.height} test ratings with {method}")
        started = time.perf_counter()
        predicted = cf.predict_ratings(copy.con, test.select("user_id", "movie_id"), method)
        predict_seconds = time.perf_counter() - started
        actual = test["rating"].to_numpy()
        estimate = predicted["predicted_rating"].to_numpy()
        rows.append(
            {
                "method": method,
                "rmse": metrics.rmse(actual, estimate),
                "mae": metrics.mae(actual, estimate),
                "fit_seconds": fit_seconds,
                "predict_seconds": predict_seconds,
                "count_ratings": float(test.height),
                "share_fallback": _mean(predicted["is_fallback"], default=0.0),
            }
        )
    return rows


def evaluate_ratings(
    path: Path,
    config: EvaluationConfig,
    protocol: str,
    methods: Sequence[str] = RATING_METHODS,
    progress: Progress | None = None,
) -> list[Result]:
    """Mean over folds of RMSE, MAE and timings for each rating method."""
    unknown = sorted(set(methods) - set(RATING_METHODS))
    if unknown:
        raise InvalidInput(f"not a rating method: {', '.join(unknown)}.")
    split = config.split(protocol)
    per_fold: list[dict[str, Any]] = []
    for fold in config.folds(split):
        if progress:
            progress(f"{protocol} fold {fold + 1}/{len(config.folds(split))}: training copy")
        with splits.training_copy(path, split, fold) as copy:
            per_fold += rating_scores_for_fold(copy, methods, config.cf_config, progress)
    return rating_results(protocol, per_fold, config.parameters(protocol))


def rating_results(
    protocol: str, per_fold: list[dict[str, Any]], parameters: dict[str, Any]
) -> list[Result]:
    """Means over folds per method (test ratings summed), as Surprise's cross_validate does."""
    frame = pl.DataFrame(per_fold)
    results = []
    for method in frame["method"].unique(maintain_order=True).to_list():
        rows = frame.filter(pl.col("method") == method)
        for metric in ("rmse", "mae", "fit_seconds", "predict_seconds", "share_fallback"):
            value = _mean(rows[metric])
            results.append(Result(protocol, "rating", method, metric, value, parameters))
        count = float(rows["count_ratings"].sum())
        results.append(Result(protocol, "rating", method, "count_ratings", count, parameters))
    return results


def _mean(series: pl.Series, *, default: float | None = None) -> float:
    """The mean of a numeric column; polars types it as any Python value, or None without rows."""
    value = series.mean()
    if value is None and default is not None:
        return default
    if not isinstance(value, int | float):
        raise TypeError(f"column {series.name!r} has no numeric mean (got {value!r})")
    return float(value)


# ---------------------------------------------------------------- top-N


def build_for_top_n(
    con: duckdb.DuckDBPyConnection,
    methods: Sequence[str],
    cf_config: cf.CfConfig,
    progress: Progress | None = None,
) -> dict[str, float]:
    """Build what the methods need in a training copy; return seconds per built part."""
    timings = {}
    started = time.perf_counter()
    cf.build_models(con, cf_config, progress=progress)
    timings["cf"] = time.perf_counter() - started
    if "cluster" in methods:
        started = time.perf_counter()
        cluster_build.build_all(con, clustering.ClusteringConfig(), progress=progress)
        timings["cluster"] = time.perf_counter() - started
    return timings


def top_n_lists(
    con: duckdb.DuckDBPyConnection, user_ids: Sequence[int], method: str, length: int
) -> pl.DataFrame:
    """user_id, rank, movie_id from pipeline.recommend.recommend_for_users."""
    frame = recommend.recommend_for_users(con, list(user_ids), method=method, n=length)
    return frame.select(
        pl.col("user_id").cast(pl.Int64),
        pl.col("rank").cast(pl.Int64),
        pl.col("movie_id").cast(pl.Int64),
    )


def _fetch(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    frame = pl.from_arrow(con.sql(query).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def score_top_n(
    con: duckdb.DuckDBPyConnection,
    lists: pl.DataFrame,
    test: pl.DataFrame,
    config: EvaluationConfig,
    method: str,
) -> tuple[dict[str, float], pl.DataFrame]:
    """Top-N metrics at k plus precision/recall for N = 1..max_list_length.

    `con` is the training copy: training ratings give popularity (novelty) and the items that
    must not be recommended.
    """
    training = _fetch(con, "select user_id, movie_id from staging.stg_ratings")
    leaked = lists.join(training, on=["user_id", "movie_id"], how="semi")
    if leaked.height:
        log.warning(
            "%s recommended %d movies the user rated in training; dropped", method, leaked.height
        )
        lists = lists.join(training, on=["user_id", "movie_id"], how="anti")
    ordered = lists.sort("user_id", "rank")
    recommendations = {
        int(user): [int(movie) for movie in movies]
        for user, movies in ordered.group_by("user_id", maintain_order=True)
        .agg(pl.col("movie_id"))
        .iter_rows()
    }
    relevant_rows = test.filter(pl.col("rating") >= config.relevance_threshold)
    relevant: dict[int, set[int]] = {int(user): set() for user in test["user_id"].unique()}
    for user, movie in relevant_rows.select("user_id", "movie_id").iter_rows():
        relevant[int(user)].add(int(movie))
    at_k = metrics.top_n_scores(recommendations, relevant, config.k)
    raters = dict(training.group_by("movie_id").len().iter_rows())
    count_training_users = training["user_id"].n_unique()
    catalogue = con.sql("select count(*) from staging.stg_movies").fetchall()[0][0]
    lists_at_k = [movies[: config.k] for movies in recommendations.values()]
    scores = {
        f"precision_at_{config.k}": at_k.precision,
        f"recall_at_{config.k}": at_k.recall,
        f"ndcg_at_{config.k}": at_k.ndcg,
        f"map_at_{config.k}": at_k.map,
        f"hit_rate_at_{config.k}": at_k.hit_rate,
        f"coverage_at_{config.k}": metrics.catalogue_coverage(lists_at_k, int(catalogue)),
        f"novelty_at_{config.k}": (
            metrics.novelty(lists_at_k, raters, count_training_users)
            if any(lists_at_k)
            else float("nan")
        ),
        "count_users": float(at_k.count_users),
        "count_users_with_list": float(sum(1 for movies in recommendations.values() if movies)),
    }
    curve = []
    for n in range(1, config.max_list_length + 1):
        at_n = metrics.top_n_scores(recommendations, relevant, n)
        curve.append({"method": method, "n": n, "precision": at_n.precision, "recall": at_n.recall})
    return scores, pl.DataFrame(curve)


def evaluate_top_n(
    path: Path,
    config: EvaluationConfig,
    methods: Sequence[str] | None = None,
    progress: Progress | None = None,
    rating_methods: Sequence[str] = (),
) -> tuple[list[Result], pl.DataFrame]:
    """Top-N metrics and precision/recall curves of each method on the temporal split.

    `rating_methods` are scored (RMSE/MAE) on the same training copy, without a second build.
    """
    wanted = list(TOP_N_METHODS if methods is None else methods)
    split = config.split("temporal")
    parameters = config.parameters("temporal")
    results: list[Result] = []
    curves = []
    with splits.training_copy(path, split, 0) as copy:
        if progress:
            progress("temporal top-N: building models on the training part")
        timings = build_for_top_n(copy.con, wanted, config.cf_config, progress)
        if rating_methods:
            scored = score_ratings(copy, rating_methods, timings["cf"], progress)
            results += rating_results("temporal", scored, parameters)
        test_users = sorted(int(user) for user in copy.test_ratings["user_id"].unique())
        for method in wanted:
            if progress:
                progress(
                    f"top-{config.max_list_length} lists for {len(test_users)} users: {method}"
                )
            started = time.perf_counter()
            lists = top_n_lists(copy.con, test_users, method, config.max_list_length)
            seconds = time.perf_counter() - started
            scores, curve = score_top_n(copy.con, lists, copy.test_ratings, config, method)
            fit = timings["cluster"] if method == "cluster" else timings["cf"]
            scores |= {
                "fit_seconds": fit if method != "popular" else float("nan"),
                "recommend_seconds": seconds,
                "milliseconds_per_user": 1000 * seconds / max(len(test_users), 1),
            }
            results += [
                Result("temporal", "top-n", method, metric, value, parameters)
                for metric, value in scores.items()
            ]
            curves.append(curve)
    return results, pl.concat(curves) if curves else pl.DataFrame()


# ---------------------------------------------------------------- storing


def store_results(path: Path, run: EvaluationRun) -> int:
    """Append the run's rows to eval.results in one transaction; return rows written."""
    created_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con = warehouse.connect(path, read_only=False)
    try:
        splits.ensure_eval_schema(con)
        con.begin()
        try:
            con.executemany(
                "insert into eval.results (run_id, code_version, protocol, task, method, metric, "
                "parameters, value, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        run.run_id,
                        run.code_version,
                        row.protocol,
                        row.task,
                        row.method,
                        row.metric,
                        json.dumps(row.parameters, sort_keys=True, default=str),
                        None if row.value is None or row.value != row.value else row.value,
                        created_at,
                    ]
                    for row in run.results
                ],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        con.close()
    return len(run.results)


def run_evaluation(
    path: Path,
    config: EvaluationConfig,
    protocols: Sequence[str],
    methods: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> EvaluationRun:
    """Make the splits, evaluate every protocol, store the results; return the run."""
    unknown = sorted(set(protocols) - set(PROTOCOLS))
    if unknown:
        raise InvalidInput(
            f"unknown protocol(s): {', '.join(unknown)}.", hint=f"use {', '.join(PROTOCOLS)}."
        )
    known = set(RATING_METHODS) | set(TOP_N_METHODS)
    if methods is not None and set(methods) - known:
        raise InvalidInput(
            f"unknown method(s): {', '.join(sorted(set(methods) - known))}.",
            hint=f"use {', '.join(sorted(known))}.",
        )
    path = Path(path)
    warehouse.connect(path).close()  # clear error when it is missing or locked
    run = new_run()
    rating_methods = [m for m in RATING_METHODS if methods is None or m in methods]
    top_n_methods = [m for m in TOP_N_METHODS if methods is None or m in methods]
    prepare_splits(path, config, protocols)
    if "kfold" in protocols and rating_methods:
        run.results += evaluate_ratings(path, config, "kfold", rating_methods, progress)
    if "temporal" in protocols:
        if top_n_methods:
            # One training copy and one build serve both the rating and the top-N scores.
            results, curves = evaluate_top_n(
                path, config, top_n_methods, progress, rating_methods=rating_methods
            )
            run.results += results
            run.curves = curves
        elif rating_methods:
            run.results += evaluate_ratings(path, config, "temporal", rating_methods, progress)
    if "cold-start" in protocols:
        run.results += evaluate_cold_start(path, config, progress)
    store_results(path, run)
    return run


def evaluate_cold_start(
    path: Path, config: EvaluationConfig, progress: Progress | None = None
) -> list[Result]:
    """Cold-start figures from pipeline.cold_start_eval."""
    if progress:
        progress("cold-start: user-level holdout")
    cold_start_config = cold_start_eval.ColdStartConfig(
        seed=config.seed, user_fraction=config.cold_start_user_fraction
    )
    outcome = cold_start_eval.evaluate_cold_start(path, config=cold_start_config, progress=progress)
    return cold_start_results(outcome, config)


def cold_start_results(outcome: pl.DataFrame, config: EvaluationConfig) -> list[Result]:
    """Turn evaluate_cold_start's frame (rows of method/metric/value) into results."""
    parameters = config.parameters("cold-start")
    results = []
    for row in outcome.to_dicts():
        value = row.get("value")
        results.append(
            Result(
                "cold-start",
                "cold-start",
                str(row["method"]),
                str(row["metric"]),
                None if value is None else float(value),
                parameters
                | {
                    key: val for key, val in row.items() if key not in {"method", "metric", "value"}
                },
            )
        )
    return results


# ---------------------------------------------------------------- presenting

# Column order of the summary tables; metrics not listed come after, alphabetically.
METRIC_ORDER = (
    "rmse",
    "mae",
    "precision_at_10",
    "recall_at_10",
    "ndcg_at_10",
    "map_at_10",
    "hit_rate_at_10",
    "coverage_at_10",
    "novelty_at_10",
    "count_users",
    "count_ratings",
    "share_fallback",
    "fit_seconds",
    "predict_seconds",
    "recommend_seconds",
    "milliseconds_per_user",
)


def summary_tables(results: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """One wide table per (protocol, task): a row per method, a column per metric."""
    tables = {}
    keys = results.select("protocol", "task").unique(maintain_order=True).iter_rows()
    for protocol, task in keys:
        rows = results.filter((pl.col("protocol") == protocol) & (pl.col("task") == task))
        wide = rows.pivot(on="metric", index="method", values="value", aggregate_function="first")
        present = [column for column in wide.columns if column != "method"]
        ordered = [metric for metric in METRIC_ORDER if metric in present]
        ordered += sorted(set(present) - set(ordered))
        title = protocol if protocol == task else f"{protocol} {task}"
        tables[title] = wide.select("method", *ordered)
    return tables


def draw_charts(run: EvaluationRun, plot_dir: Path) -> list[Path]:
    """metric-by-method PNGs per protocol and the precision/recall-at-N curves."""
    from pipeline import plots

    frame = run.frame()
    drawn = []
    for protocol, task, chosen, title in (
        ("kfold", "rating", ("rmse", "mae"), "Rating error, k-fold (lower is better)"),
        ("temporal", "rating", ("rmse", "mae"), "Rating error, temporal holdout (lower is better)"),
        (
            "temporal",
            "top-n",
            tuple(m for m in METRIC_ORDER if m.endswith("_at_10")),
            "Top-10 on each user's last ratings (temporal holdout)",
        ),
    ):
        name = f"{protocol}_{task.replace('-', '_')}_by_method.png"
        rows = frame.filter(pl.col("task") == task)
        drawn.append(plots.metric_by_method(rows, protocol, chosen, plot_dir / name, title))
    if run.curves is not None:
        drawn.append(
            plots.precision_recall_curves(
                run.curves, plot_dir / "precision_recall_at_n.png", "Precision and recall at N"
            )
        )
    return [path for path in drawn if path is not None]
