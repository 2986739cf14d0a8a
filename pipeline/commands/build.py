"""The `build` command: materialise the collaborative-filtering models after `load`."""

from __future__ import annotations

import re
import time

import typer
from rich.console import Console

from pipeline import cf, warehouse
from pipeline.commands.progress import step_progress

_DEFAULTS = cf.CfConfig()
_MEMORY_SIZE = re.compile(r"^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$", re.IGNORECASE)


def _memory_size(value: str) -> str:
    if not _MEMORY_SIZE.match(value.strip()):
        raise typer.BadParameter(f"expected a size such as 3GB or 800MB, got {value!r}.")
    return value.strip()


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
    users_kept: int = typer.Option(
        _DEFAULTS.users_kept_per_user,
        "--users-kept",
        min=1,
        help="Most similar users stored per user (user kNN picks its k among them).",
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
        help="Share of each validation user's ratings held out to fit the hybrid blend "
        "weights (0 = default weights).",
    ),
    validation_users: int = typer.Option(
        _DEFAULTS.validation_max_users,
        "--validation-users",
        min=1,
        help="Users (chosen by seeded hash) whose ratings the blend holdout samples.",
    ),
    validation_seed: int = typer.Option(
        _DEFAULTS.validation_seed, "--validation-seed", help="Seed of the validation holdout."
    ),
    factors: int = typer.Option(
        _DEFAULTS.count_factors,
        "--factors",
        min=0,
        help="Latent factors per user and movie for the hybrid (0 = no factor component).",
    ),
    factor_regularisation: float = typer.Option(
        _DEFAULTS.factor_regularisation,
        "--factor-regularisation",
        min=0,
        help="ALS weighted-lambda: each factor vector is penalised by lambda * its ratings.",
    ),
    factor_iterations: int = typer.Option(
        _DEFAULTS.factor_iterations,
        "--factor-iterations",
        min=1,
        help="ALS passes (users then movies).",
    ),
    factor_seed: int = typer.Option(
        _DEFAULTS.factor_seed, "--factor-seed", help="Seed of the initial random movie factors."
    ),
    memory_limit: str = typer.Option(
        "3GB",
        "--memory-limit",
        callback=_memory_size,
        help="DuckDB memory limit for the build (it spills to disk beyond it), e.g. 3GB.",
    ),
    refit: bool = typer.Option(
        _DEFAULTS.refit_on_all_ratings,
        "--refit/--no-refit",
        help="Rebuild on all ratings after fitting the blend (--no-refit: half the time, "
        "models miss the holdout).",
    ),
) -> None:
    """Build baselines, similarities, neighbours, latent factors and the hybrid blend after `watchit load`.

    Biases, similarities and neighbours are computed in SQL inside the warehouse
    (marts.movie_similarities, marts.user_similarities: each user's --users-kept most similar
    users, marts.movie_neighbours, marts.user_neighbours, marts.user_biases,
    marts.movie_biases, marts.rating_baselines; every similarity measure of every pair stays
    available in the views marts.movie_similarity_measures / marts.user_similarity_measures); the
    latent factors (marts.user_factors, marts.movie_factors) are fitted by ALS in numpy and
    the hybrid's marts.hybrid_blend_weights by least squares on a validation holdout. The
    parameters are recorded in meta.build_parameters and meta.build_info. The old warehouse is
    replaced only when every audit passes.

    Example: watchit build --item-k 40 --min-support 3 --shrinkage 100 --factors 50
    """
    config = cf.CfConfig(
        item_neighbours_k=item_k,
        user_neighbours_k=user_k,
        users_kept_per_user=users_kept,
        min_support=min_support,
        shrinkage=shrinkage,
        user_bias_regularisation=user_bias_regularisation,
        movie_bias_regularisation=movie_bias_regularisation,
        validation_fraction=validation_fraction,
        validation_max_users=validation_users,
        validation_seed=validation_seed,
        refit_on_all_ratings=refit,
        count_factors=factors,
        factor_regularisation=factor_regularisation,
        factor_iterations=factor_iterations,
        factor_seed=factor_seed,
    )
    console = Console(stderr=True)
    started = time.perf_counter()
    with (
        step_progress(console, "building collaborative-filtering models") as progress,
        warehouse.rebuild(ctx.obj.warehouse, start_from_existing=True) as con,
    ):
        # Validated by _memory_size; SET takes no bound parameters.
        con.execute(f"set memory_limit = '{memory_limit}'")
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
