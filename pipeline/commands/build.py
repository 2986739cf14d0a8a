"""The `build` command: materialise the collaborative-filtering models after `load`."""

from __future__ import annotations

import time

import typer
from rich.console import Console

from pipeline import cf, warehouse

_DEFAULTS = cf.CfConfig()


def build(
    ctx: typer.Context,
    item_k: int = typer.Option(
        _DEFAULTS.item_neighbours_k,
        "--item-k",
        min=1,
        help="Item kNN: neighbours per prediction and similar movies kept per movie.",
    ),
    user_k: int = typer.Option(
        _DEFAULTS.user_neighbours_k,
        "--user-k",
        min=1,
        help="User kNN: neighbours per prediction and similar users kept per user.",
    ),
    min_support: int = typer.Option(
        _DEFAULTS.min_support,
        "--min-support",
        min=1,
        help="Minimum common raters (or movies) for a similarity pair to be kept.",
    ),
    shrinkage: float = typer.Option(
        _DEFAULTS.shrinkage,
        "--shrinkage",
        min=0,
        help="Similarity shrinkage lambda: similarity * n / (n + lambda).",
    ),
    user_bias_regularisation: float = typer.Option(
        _DEFAULTS.user_bias_regularisation,
        "--user-bias-regularisation",
        min=0,
        help="lambda_u of the baseline's regularised user biases.",
    ),
    movie_bias_regularisation: float = typer.Option(
        _DEFAULTS.movie_bias_regularisation,
        "--movie-bias-regularisation",
        min=0,
        help="lambda_i of the baseline's regularised movie biases.",
    ),
    validation_fraction: float = typer.Option(
        _DEFAULTS.validation_fraction,
        "--validation-fraction",
        min=0,
        max=0.9,
        help="Share of ratings held out to fit the hybrid blend weights (0 = default weights).",
    ),
    validation_seed: int = typer.Option(
        _DEFAULTS.validation_seed, "--validation-seed", help="Seed of the validation holdout."
    ),
    refit: bool = typer.Option(
        _DEFAULTS.refit_on_all_ratings,
        "--refit/--no-refit",
        help="Rebuild on all ratings after fitting the blend (--no-refit: half the time, "
        "models miss the holdout).",
    ),
) -> None:
    """Build baselines, similarities, neighbours and the hybrid blend after `watchit load`.

    Everything is computed in SQL inside the warehouse (marts.movie_similarities,
    marts.user_similarities, marts.movie_neighbours, marts.user_neighbours, marts.user_biases,
    marts.movie_biases, marts.rating_baselines, marts.hybrid_blend_weights); the parameters are
    recorded in meta.build_parameters and meta.build_info. The old warehouse is replaced only
    when every audit passes.

    Example: watchit build --item-k 40 --min-support 3 --shrinkage 100
    """
    config = cf.CfConfig(
        item_neighbours_k=item_k,
        user_neighbours_k=user_k,
        min_support=min_support,
        shrinkage=shrinkage,
        user_bias_regularisation=user_bias_regularisation,
        movie_bias_regularisation=movie_bias_regularisation,
        validation_fraction=validation_fraction,
        validation_seed=validation_seed,
        refit_on_all_ratings=refit,
    )
    console = Console(stderr=True)
    started = time.perf_counter()
    with (
        console.status("building collaborative-filtering models...") as status,
        warehouse.rebuild(ctx.obj.warehouse, start_from_existing=True) as con,
    ):

        def progress(message: str) -> None:
            status.update(message + "...")
            console.log(message)

        cf.build_models(con, config, progress=progress)
        warehouse.record_build_info(con, "build", parameters=config.as_parameters())
        progress("running audits")
    typer.echo(
        f"Built CF models in {ctx.obj.warehouse} in {time.perf_counter() - started:.1f} s.",
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Add the build command to the app."""
    app.command("build")(build)
