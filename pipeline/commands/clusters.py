"""Taste clusters and onboarding: `watchit cluster`, `watchit clusters`, `watchit signup`."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import typer
from rich.console import Console

from pipeline import cluster_build, cluster_plot, clustering, warehouse
from pipeline import signup as onboarding
from pipeline.commands.progress import step_progress
from pipeline.output import OutputFormat, print_rows

_DEFAULTS = clustering.ClusteringConfig()
_POPULARITY = cluster_build.PopularityConfig()


def cluster(
    ctx: typer.Context,
    k: int = typer.Option(
        None,
        "--k",
        min=2,
        help="Number of clusters; default: the k in --k-min..--k-max with the best silhouette.",
    ),
    k_min: int = typer.Option(_DEFAULTS.k_range[0], "--k-min", min=2, help="Smallest k tried."),
    k_max: int = typer.Option(_DEFAULTS.k_range[1], "--k-max", min=2, help="Largest k tried."),
    seed: int = typer.Option(
        _DEFAULTS.random_state, "--seed", help="Random seed of k-means and the SVD projection."
    ),
    n_init: int = typer.Option(
        _DEFAULTS.n_init, "--n-init", min=1, help="k-means restarts per k (the best is kept)."
    ),
    svd_components: int = typer.Option(
        _DEFAULTS.svd_components,
        "--svd-components",
        min=0,
        help="Rating-matrix SVD dimensions added to the genre features (0 = genre features only).",
    ),
    min_members: int = typer.Option(
        _POPULARITY.min_members,
        "--min-members",
        min=1,
        help="Demographic groups with fewer users back off to a broader group.",
    ),
) -> None:
    """Cluster users by taste with k-means and build the cold-start demographic groups.

    Writes marts.user_clusters, marts.clusters, marts.cluster_k_scores,
    marts.cluster_popular_movies, marts.demographic_groups and
    marts.demographic_popular_movies. Run after `watchit load` (a `watchit build` keeps these
    tables; a `watchit load` starts empty, so cluster again after it).

    Example: watchit cluster --k-min 2 --k-max 8 --seed 0
    """
    config = clustering.ClusteringConfig(
        k=k, k_range=(k_min, k_max), random_state=seed, n_init=n_init, svd_components=svd_components
    )
    popularity = cluster_build.PopularityConfig(min_members=min_members)
    console = Console(stderr=True)
    started = time.perf_counter()
    with (
        step_progress(console, "clustering users") as progress,
        warehouse.rebuild(ctx.obj.warehouse, start_from_existing=True) as con,
    ):
        result = cluster_build.build_all(con, config, popularity, progress=progress)
        parameters = {
            "k": k,
            "k_range": [k_min, k_max],
            "random_state": seed,
            "n_init": n_init,
            "svd_components": svd_components,
            "chosen_k": result.k,
        } | popularity.as_parameters()
        warehouse.record_build_info(con, "cluster", parameters=parameters)
        progress("running audits")
    chosen = result.k_scores.filter(result.k_scores["is_chosen"]).row(0, named=True)
    typer.echo(
        f"Clustered users into k={result.k} groups (silhouette {chosen['silhouette']:.3f}) in "
        f"{ctx.obj.warehouse} in {time.perf_counter() - started:.1f} s.",
        err=True,
    )


def clusters(
    ctx: typer.Context,
    top: int = typer.Option(5, "--top", "-n", min=1, help="Top movies listed per cluster."),
    plot: Path = typer.Option(
        None,
        "--plot",
        dir_okay=False,
        help="Also write a PNG: 2-D PCA map of users coloured by cluster, and silhouette/inertia by k.",
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="Output format: table, csv or json."
    ),
) -> None:
    """Show each taste cluster: size, label, top genres and its most popular movies.

    Example: watchit clusters --top 5 --plot clusters.png
    """
    con = warehouse.connect(ctx.obj.warehouse, read_only=True)
    try:
        warehouse.require_objects(con, "marts.clusters", step="cluster")
        rows = con.execute(
            "select clusters.cluster_id, clusters.label, clusters.count_users, "
            "array_to_string(clusters.top_genres, ', '), "
            "string_agg(movies.title, '; ' order by popular.popularity_rank) "
            "from marts.clusters as clusters "
            "left join marts.cluster_popular_movies as popular "
            "  on clusters.cluster_id = popular.cluster_id and popular.popularity_rank <= ? "
            "left join staging.stg_movies as movies on popular.movie_id = movies.movie_id "
            "group by all order by clusters.cluster_id",
            [top],
        ).fetchall()
        if not rows:
            typer.echo("No clusters yet. Run `watchit cluster`.", err=True)
            raise typer.Exit(1)
        print_rows(
            ["cluster_id", "label", "users", "top_genres", "top_movies"], rows, output_format
        )
        if plot is not None:
            cluster_plot.write_cluster_map(con, plot)
            typer.echo(f"Wrote {plot}.", err=True)
    finally:
        con.close()


def signup(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name", help="Display name of the new user."),
    age: int = typer.Option(..., "--age", help="Age in years, 1 to 120."),
    gender: str = typer.Option(..., "--gender", help="M or F."),
    occupation: str = typer.Option(
        ..., "--occupation", help="Occupation of the loaded dataset, e.g. programmer."
    ),
    zip_code: str = typer.Option(None, "--zip", help="Zip code (its first digit is the region)."),
    ratings: Path = typer.Option(
        None,
        "--ratings",
        dir_okay=False,
        help="CSV with header movie_id,rating (1-5); without it, rate a few movies interactively.",
    ),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Recommendations to show."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="Output format: table, csv or json."
    ),
) -> None:
    """Register a new user, store their first ratings and show recommendations for them.

    The user and their ratings go to app.users and app.ratings in one transaction (nothing is
    written if any input is bad). With fewer than a few ratings the recommendations come from
    the demographic group; with more, from item-based collaborative filtering.

    Example: watchit signup --name Ada --age 36 --gender F --occupation programmer --zip 94110
    """
    con = warehouse.connect(ctx.obj.warehouse, read_only=False)
    try:
        profile = onboarding.validate_signup(
            con, name=name, age=age, gender=gender, occupation=occupation, zip_code=zip_code
        )
        if ratings is not None:
            given = onboarding.read_ratings_file(con, ratings)
        else:
            given = _ask_ratings(onboarding.onboarding_movies(con))
        user_id = onboarding.register_user(con, profile, given)
        recommendations = onboarding.recommend_for_new_user(con, profile.profile, given, n=limit)
    finally:
        con.close()
    typer.echo(
        f"Signed up {profile.name!r} as user {user_id} with {len(given)} rating(s).", err=True
    )
    if output_format is OutputFormat.table:  # the terminal gets the columns people read
        recommendations = recommendations.select(
            "rank",
            "movie_id",
            "title",
            pl.col("predicted_rating").round(2),
            "method",
            "explanation",
        )
    print_rows(
        list(recommendations.columns),
        recommendations.rows(),
        output_format,
        title=f"Recommendations for user {user_id}",
    )


def _ask_ratings(movies: list[tuple[int, str]]) -> dict[int, int]:
    typer.echo("Rate these movies from 1 (bad) to 5 (great); press Enter to skip one.", err=True)
    given: dict[int, int] = {}
    for movie_id, title in movies:
        while True:
            answer = typer.prompt(f"{title}", default="", show_default=False, err=True).strip()
            if answer == "" or answer.lower() in {"s", "skip"}:
                break
            if answer in {"1", "2", "3", "4", "5"}:
                given[movie_id] = int(answer)
                break
            typer.echo("Please answer 1-5, or press Enter to skip.", err=True)
    return given


def register(app: typer.Typer) -> None:
    """Add the cluster, clusters and signup commands to the app."""
    app.command("cluster")(cluster)
    app.command("clusters")(clusters)
    app.command("signup")(signup)
