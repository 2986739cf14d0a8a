"""`watchit evaluate` end to end on tiny synthetic data, and a quick run on real ML-100K."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pipeline import evaluation
from pipeline import warehouse as wh
from pipeline.cli import app


def _results(path: Path) -> pl.DataFrame:
    con = wh.connect(path)
    try:
        frame = pl.from_arrow(con.sql("select * from eval.results").to_arrow_table())
    finally:
        con.close()
    assert isinstance(frame, pl.DataFrame)
    return frame


def test_evaluate_kfold_stores_rows_prints_a_table_and_draws_png(
    runner: CliRunner, loaded_warehouse: Callable[..., Path], tmp_path: Path
) -> None:
    path = loaded_warehouse()
    plots = tmp_path / "plots"
    result = runner.invoke(
        app,
        [
            "--warehouse", str(path), "evaluate", "--protocol", "kfold",
            "--methods", "baseline,item,user,hybrid", "--folds", "2", "--seed", "2",
            "--plot-dir", str(plots),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "kfold" in result.stdout and "rmse" in result.stdout and "hybrid" in result.stdout
    stored = _results(path)
    assert stored["run_id"].n_unique() == 1 and stored["code_version"][0]
    rmse = stored.filter(pl.col("metric") == "rmse")
    assert sorted(rmse["method"]) == ["baseline", "hybrid", "item", "user"]
    assert rmse["value"].is_between(0.0, 4.0).all()
    parameters = json.loads(rmse["parameters"][0])
    assert parameters["count_folds"] == 2 and parameters["seed"] == 2
    # Two folds, every rating scored once.
    counted = stored.filter((pl.col("metric") == "count_ratings") & (pl.col("method") == "item"))
    con = wh.connect(path)
    total = con.execute("select count(*) from staging.stg_ratings").fetchall()[0][0]
    con.close()
    assert counted["value"].to_list() == [float(total)]
    png = plots / "kfold_rating_by_method.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_temporal_scores_top_n_for_every_method(
    runner: CliRunner, loaded_warehouse: Callable[..., Path], tmp_path: Path
) -> None:
    path = loaded_warehouse()
    result = runner.invoke(
        app,
        [
            "--warehouse", str(path), "evaluate", "--protocol", "temporal",
            "--methods", "item,user,hybrid,popular", "--holdout", "5",
            "--plot-dir", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = _results(path).filter(pl.col("protocol") == "temporal")
    precision = stored.filter(pl.col("metric") == "precision_at_10")
    assert sorted(precision["method"]) == ["hybrid", "item", "popular", "user"]
    assert precision["value"].is_between(0.0, 1.0).all()
    assert (tmp_path / "precision_recall_at_n.png").exists()
    assert (tmp_path / "temporal_top_n_by_method.png").exists()


def test_unknown_method_and_protocol_are_rejected(
    runner: CliRunner, loaded_warehouse: Callable[..., Path]
) -> None:
    path = loaded_warehouse()
    result = runner.invoke(app, ["--warehouse", str(path), "evaluate", "--methods", "magic"])
    assert result.exit_code == 1
    assert "Error: unknown method(s): magic." in result.stderr
    result = runner.invoke(app, ["--warehouse", str(path), "evaluate", "--protocol", "random"])
    assert result.exit_code == 2
    assert "'random' is not one of kfold, temporal, cold-start, all" in result.stderr


def test_evaluate_on_a_missing_warehouse_names_the_step(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--warehouse", str(tmp_path / "none.duckdb"), "evaluate"])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and "watchit load" in result.stderr


@pytest.fixture(scope="module")
def ml100k_loaded(ml100k_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline import load, sqlfiles

    path = tmp_path_factory.mktemp("ml100k") / "warehouse.duckdb"
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, ml100k_dir))
    return path


@pytest.mark.realdata
def test_ml100k_one_fold_rmse_is_in_a_sane_range(ml100k_loaded: Path) -> None:
    config = evaluation.EvaluationConfig(seed=0, count_folds=5, max_folds=1)
    run = evaluation.run_evaluation(ml100k_loaded, config, ["kfold"], ["baseline", "item"])
    rmse = {row.method: row.value for row in run.results if row.metric == "rmse"}
    assert 0.85 <= rmse["item"] <= 1.05
    assert 0.85 <= rmse["baseline"] <= 1.05
    assert rmse["item"] < rmse["baseline"]  # neighbours must add something over biases
    count = next(r.value for r in run.results if r.metric == "count_ratings")
    assert count == 20_000  # one fifth of 100,000 ratings
