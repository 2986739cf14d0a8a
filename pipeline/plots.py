"""PNG charts of evaluation results (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def metric_by_method(
    results: pl.DataFrame, protocol: str, metrics: Sequence[str], path: Path, title: str
) -> Path | None:
    """One bar panel per metric, one bar per method; None when there is nothing to draw."""
    rows = results.filter(pl.col("protocol") == protocol, pl.col("metric").is_in(list(metrics)))
    rows = rows.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    present = [metric for metric in metrics if metric in set(rows["metric"])]
    if not present:
        return None
    columns = min(len(present), 4)
    lines = math.ceil(len(present) / columns)
    figure, axes = plt.subplots(lines, columns, figsize=(3.6 * columns, 3.2 * lines), squeeze=False)
    for axis in axes.flat[len(present) :]:
        axis.set_visible(False)
    for axis, metric in zip(axes.flat, present, strict=False):
        values = rows.filter(pl.col("metric") == metric)
        axis.bar(values["method"].to_list(), values["value"].to_list(), color="#4c72b0")
        axis.set_title(metric)
        axis.tick_params(axis="x", rotation=30)
        for position, value in enumerate(values["value"].to_list()):
            axis.annotate(f"{value:.3g}", (position, value), ha="center", va="bottom", fontsize=8)
    return _save(figure, path, title)


def precision_recall_curves(curves: pl.DataFrame, path: Path, title: str) -> Path | None:
    """Precision and recall at N (N = 1..max) for each method, side by side."""
    if curves.is_empty():
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for method, rows in curves.sort("n").group_by("method", maintain_order=True):
        name = method[0] if isinstance(method, tuple) else method
        left.plot(rows["n"], rows["precision"], marker="o", markersize=3, label=str(name))
        right.plot(rows["n"], rows["recall"], marker="o", markersize=3, label=str(name))
    for axis, label in ((left, "precision@N"), (right, "recall@N")):
        axis.set_xlabel("N (list length)")
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
    right.legend()
    return _save(figure, path, title)


def sweep_chart(sweep: pl.DataFrame, path: Path, title: str) -> Path | None:
    """RMSE against k, one line per (min_support, shrinkage), one panel per method."""
    if sweep.is_empty():
        return None
    methods = sweep["method"].unique(maintain_order=True).to_list()
    figure, axes = plt.subplots(1, len(methods), figsize=(5.5 * len(methods), 4), squeeze=False)
    for axis, method in zip(axes.flat, methods, strict=True):
        rows = sweep.filter(pl.col("method") == method).sort("k")
        for (support, shrinkage), line in rows.group_by(
            ["min_support", "shrinkage"], maintain_order=True
        ):
            axis.plot(
                line["k"],
                line["rmse"],
                marker="o",
                label=f"support {support}, shrink {shrinkage:g}",
            )
        axis.set_title(f"{method} kNN")
        axis.set_xlabel("k (neighbours)")
        axis.set_ylabel("RMSE")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    return _save(figure, path, title)


def _save(figure: Figure, path: Path, title: str) -> Path:
    figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
