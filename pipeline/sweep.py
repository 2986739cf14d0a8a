"""Parameter sweep of the neighbourhood methods (k, min support, shrinkage) on one seeded fold.

The fold's training copy is built once per (min_support, shrinkage): those two shape the
similarity tables. k is only read at prediction time (predict_item.sql / predict_user.sql take
item_neighbours_k / user_neighbours_k from meta.build_parameters), so each k is scored by
rewriting that parameter and predicting again, without rebuilding. The blend is not fitted
(validation_fraction = 0): the sweep scores the item and user kNN methods on their own.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import polars as pl

from pipeline import cf, evaluation, metrics, splits, warehouse
from pipeline.evaluation import Progress, Result

SWEEP_METHODS = ("item", "user")


@dataclass(frozen=True)
class SweepGrid:
    ks: tuple[int, ...] = (10, 20, 40, 60, 100)
    min_supports: tuple[int, ...] = (1, 3, 5)
    shrinkages: tuple[float, ...] = (0.0, 25.0, 100.0)


class SweepRow(TypedDict):
    """One method at one grid point: a row of SweepOutcome.frame."""

    method: str
    k: int
    min_support: int
    shrinkage: float
    rmse: float
    mae: float
    build_seconds: float
    predict_seconds: float


@dataclass
class SweepOutcome:
    frame: pl.DataFrame  # one SweepRow per row
    run: evaluation.EvaluationRun = field(default_factory=evaluation.new_run)


def run_sweep(
    path: Path,
    seed: int = 0,
    count_folds: int = 5,
    fold: int = 0,
    grid: SweepGrid = SweepGrid(),
    base: cf.CfConfig = cf.CfConfig(),
    progress: Progress | None = None,
    store: bool = True,
) -> SweepOutcome:
    """RMSE and MAE of item and user kNN for every grid point on one k-fold fold."""
    split = splits.SplitConfig("kfold", seed=seed, count_folds=count_folds)
    con = warehouse.connect(Path(path), read_only=False)
    try:
        splits.make_split(con, split)
    finally:
        con.close()
    rows: list[SweepRow] = []
    with splits.training_copy(Path(path), split, fold) as copy:
        pairs = copy.test_ratings.select("user_id", "movie_id")
        actual = copy.test_ratings["rating"].to_numpy()
        for min_support in grid.min_supports:
            for shrinkage in grid.shrinkages:
                if progress:
                    progress(
                        f"sweep: building with min_support {min_support}, shrinkage {shrinkage:g}"
                    )
                config = dataclasses.replace(
                    base, min_support=min_support, shrinkage=shrinkage, validation_fraction=0.0
                )
                started = time.perf_counter()
                cf.build_models(copy.con, config, progress=lambda _message: None)
                build_seconds = time.perf_counter() - started
                for k in grid.ks:
                    cf.write_parameters(
                        copy.con,
                        dataclasses.replace(config, item_neighbours_k=k, user_neighbours_k=k),
                        is_validation_build=False,
                    )
                    for method in SWEEP_METHODS:
                        started = time.perf_counter()
                        predicted = cf.predict_ratings(copy.con, pairs, method)
                        estimate = predicted["predicted_rating"].to_numpy()
                        rows.append(
                            {
                                "method": method,
                                "k": k,
                                "min_support": min_support,
                                "shrinkage": shrinkage,
                                "rmse": metrics.rmse(actual, estimate),
                                "mae": metrics.mae(actual, estimate),
                                "build_seconds": build_seconds,
                                "predict_seconds": time.perf_counter() - started,
                            }
                        )
    outcome = SweepOutcome(pl.DataFrame(rows))
    parameters = {"seed": seed, "count_folds": count_folds, "fold": fold}
    for row in rows:
        name = f"{row['method']} k={row['k']} support={row['min_support']} shrinkage={row['shrinkage']:g}"
        grid_point = {
            "k": row["k"],
            "min_support": row["min_support"],
            "shrinkage": row["shrinkage"],
        }
        point = parameters | grid_point
        # A for loop, not a comprehension: mypy then sees each `metric` as a literal key of SweepRow.
        for metric in ("rmse", "mae", "predict_seconds"):
            outcome.run.results.append(Result("kfold", "sweep", name, metric, row[metric], point))
    if store:
        evaluation.store_results(Path(path), outcome.run)
    return outcome


def best_table(frame: pl.DataFrame, defaults: cf.CfConfig = cf.CfConfig()) -> pl.DataFrame:
    """Per method: the best grid point by RMSE, and the current defaults' RMSE beside it."""
    rows = []
    for method in SWEEP_METHODS:
        points = frame.filter(pl.col("method") == method)
        if points.is_empty():
            continue
        best = points.sort("rmse", "k", "min_support", "shrinkage").row(0, named=True)
        default_k = defaults.item_neighbours_k if method == "item" else defaults.user_neighbours_k
        default = points.filter(
            (pl.col("k") == default_k)
            & (pl.col("min_support") == defaults.min_support)
            & (pl.col("shrinkage") == defaults.shrinkage)
        )
        rows.append(
            {
                "method": method,
                "best_k": best["k"],
                "best_min_support": best["min_support"],
                "best_shrinkage": best["shrinkage"],
                "best_rmse": best["rmse"],
                "default_rmse": default["rmse"][0] if default.height else None,
                "worst_rmse": points["rmse"].max(),
            }
        )
    return pl.DataFrame(rows)


def draw(outcome: SweepOutcome, plot_dir: Path) -> list[Path]:
    from pipeline import plots

    drawn = plots.sweep_chart(
        outcome.frame, Path(plot_dir) / "sweep_rmse_by_k.png", "kNN parameter sweep (one fold)"
    )
    return [drawn] if drawn else []
