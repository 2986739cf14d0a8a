"""The `evaluate` command: seeded splits, leakage-free training, metrics, stored and drawn."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from pipeline import evaluation
from pipeline.commands.progress import step_progress

PROTOCOL_CHOICES = ("kfold", "temporal", "cold-start", "all")


def render_tables(console: Console, results: pl.DataFrame) -> None:
    """Print one rich table per protocol (a row per method, a column per metric)."""
    for protocol, table in evaluation.summary_tables(results).items():
        render_frame(console, table, protocol)


def render_frame(console: Console, table: pl.DataFrame, title: str) -> None:
    rich_table = Table(title=title)
    for column in table.columns:
        rich_table.add_column(column, justify="left" if column == "method" else "right")
    for row in table.iter_rows():
        rich_table.add_row(str(row[0]), *(_format(value) for value in row[1:]))
    console.print(rich_table)


def _format(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int) or float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.4f}" if abs(value) < 100 else f"{value:.0f}"


def evaluate(
    ctx: typer.Context,
    methods: str = typer.Option(
        "all",
        "--methods",
        help=f"Comma-separated methods: {','.join(evaluation.RATING_METHODS)} (rating "
        f"prediction) and {','.join(evaluation.TOP_N_METHODS)} (top-N); 'all' = all of them.",
    ),
    protocol: str = typer.Option(
        "all",
        "--protocol",
        help="kfold (random k-fold RMSE/MAE), temporal (last ratings per user: RMSE/MAE and "
        "top-N), cold-start (user-level holdout) or all.",
    ),
    folds: int = typer.Option(5, "--folds", min=2, help="Number of k-fold folds."),
    max_folds: int = typer.Option(
        0, "--max-folds", min=0, help="Evaluate only the first N folds (0 = all); for quick runs."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the k-fold and cold-start splits."),
    holdout: int = typer.Option(
        10, "--holdout", min=1, help="Temporal protocol: latest ratings held out per user."
    ),
    plot_dir: Path | None = typer.Option(
        None, "--plot-dir", file_okay=False, help="Write PNG charts into this folder."
    ),
    sweep: bool = typer.Option(
        False,
        "--sweep",
        help="Instead: sweep k, min support and shrinkage of the kNN methods on one k-fold fold.",
    ),
) -> None:
    """Evaluate the recommenders on seeded splits stored in the warehouse.

    Each fold is trained in a scratch copy that holds only its training ratings, so no test
    rating influences biases, similarities, clusters or popularity. Rating methods get RMSE
    and MAE; top-N methods get precision, recall, nDCG, MAP and hit rate at 10, catalogue
    coverage and novelty on each user's last ratings (relevant = rated 4 or more). Results go
    to eval.results with the parameters and code version.

    Example: watchit evaluate --protocol kfold --methods baseline,item --folds 5 --plot-dir plots
    """
    if protocol not in PROTOCOL_CHOICES:
        raise typer.BadParameter(
            f"{protocol!r} is not one of {', '.join(PROTOCOL_CHOICES)}.", param_hint="--protocol"
        )
    chosen = None if methods == "all" else [m.strip() for m in methods.split(",") if m.strip()]
    config = evaluation.EvaluationConfig(
        seed=seed, count_folds=folds, max_folds=max_folds or None, holdout_ratings_per_user=holdout
    )
    console = Console(stderr=True)
    out = Console()
    with step_progress(console, "evaluating") as progress:
        if sweep:
            from pipeline import sweep as sweep_module

            outcome = sweep_module.run_sweep(
                ctx.obj.warehouse, seed=seed, count_folds=folds, progress=progress
            )
            render_frame(out, sweep_module.best_table(outcome.frame), "sweep: best by RMSE")
            for path in sweep_module.draw(outcome, plot_dir) if plot_dir else []:
                console.print(f"wrote {path}")
            console.print(f"stored {len(outcome.run.results)} rows in eval.results")
            return
        protocols = list(evaluation.PROTOCOLS) if protocol == "all" else [protocol]
        run = evaluation.run_evaluation(ctx.obj.warehouse, config, protocols, chosen, progress)
    render_tables(out, run.frame())
    if plot_dir:
        for path in evaluation.draw_charts(run, plot_dir):
            console.print(f"wrote {path}")
    console.print(
        f"stored {len(run.results)} rows in eval.results (run_id {run.run_id}, "
        f"code {run.code_version})"
    )


def register(app: typer.Typer) -> None:
    """Add the evaluate command to the app."""
    app.command("evaluate")(evaluate)
