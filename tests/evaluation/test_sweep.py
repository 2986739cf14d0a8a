"""The kNN parameter sweep: every grid point scored, stored, plotted; k changes predictions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipeline import cf, sweep
from pipeline import warehouse as wh


def test_sweep_scores_every_grid_point_and_stores_them(
    loaded_warehouse: Callable[..., Path], tmp_path: Path
) -> None:
    path = loaded_warehouse()
    grid = sweep.SweepGrid(ks=(1, 5), min_supports=(1, 2), shrinkages=(0.0, 10.0))
    outcome = sweep.run_sweep(path, seed=1, count_folds=3, grid=grid)
    frame = outcome.frame
    assert frame.height == 2 * 2 * 2 * len(sweep.SWEEP_METHODS)
    assert frame["rmse"].is_between(0.0, 4.0).all()
    # k is read at prediction time: k=1 and k=5 must give different item-kNN errors.
    item = frame.filter((pl.col("method") == "item") & (pl.col("min_support") == 1))
    assert (
        item.filter(pl.col("k") == 1)["rmse"].to_list()
        != item.filter(pl.col("k") == 5)["rmse"].to_list()
    )
    best = sweep.best_table(
        frame, cf.CfConfig(item_neighbours_k=5, user_neighbours_k=5, min_support=2, shrinkage=10.0)
    )
    assert best["method"].to_list() == ["item", "user"]
    assert (best["best_rmse"] <= best["default_rmse"]).all()
    con = wh.connect(path)
    stored = con.execute(
        "select count(*) from eval.results where task = 'sweep' and metric = 'rmse'"
    ).fetchall()[0][0]
    con.close()
    assert stored == frame.height
    assert sweep.draw(outcome, tmp_path)[0].read_bytes()[:4] == b"\x89PNG"
