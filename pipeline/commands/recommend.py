"""Serving commands: `watchit recommend`, `watchit similar`, `watchit predict`,
`watchit search-movies`."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import duckdb
import polars as pl
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline import batch_files, cf, cold_start, movie_search, recommend, warehouse
from pipeline.errors import InvalidInput
from pipeline.output import OutputFormat, print_rows

# Users per SQL run of `recommend --all`: big enough to stay set-based, small enough to show
# progress and bound memory.
BATCH_USERS = 200

# The choices come from the method tables, so mypy cannot list the members (its [misc] error).
RecommendMethod = Enum(  # type: ignore[misc]
    "RecommendMethod", {name: name for name in recommend.METHODS}, type=str
)
PredictMethod = Enum("PredictMethod", {name: name for name in cf.METHODS}, type=str)  # type: ignore[misc]


class Gender(str, Enum):
    M = "M"
    F = "F"


# The title carries the year, e.g. "Alien (1979)"; score is for machines (--format csv/json).
_SHOWN_COLUMNS = ("rank", "title", "genres", "predicted_rating", "explanation")


def recommend_command(
    ctx: typer.Context,
    user: int = typer.Option(None, "--user", "-u", help="MovieLens (or signed-up) user id."),
    all_users: bool = typer.Option(
        False,
        "--all",
        help="Recommend for every user; write them to --output and/or save them (--store).",
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="With --all: file to write, .parquet or .csv."
    ),
    store: bool = typer.Option(
        False,
        "--store",
        help="With --all: save the lists in marts.user_recommendations; `--user` then reads "
        "them instead of scoring live until the next build or the user's next rating "
        "(-n at most 100). Example: watchit recommend --all --store -m hybrid -n 20",
    ),
    method: RecommendMethod = typer.Option(
        "hybrid",
        "--method",
        "-m",
        help="hybrid (item + user kNN), item, user, popular, or cluster (taste-cluster "
        "favourites; needs `watchit cluster`).",
    ),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=1000, help="Movies per user."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="How to print --user results: table, csv or json."
    ),
    age: int = typer.Option(
        None, "--age", min=1, max=120, help="New user without ratings: age in years (1-120)."
    ),
    gender: Gender = typer.Option(
        None, "--gender", case_sensitive=False, help="New user without ratings: M or F."
    ),
    occupation: str = typer.Option(
        None,
        "--occupation",
        help="New user without ratings: an occupation of the dataset, e.g. programmer.",
    ),
    zip_code: str = typer.Option(None, "--zip", help="New user without ratings: zip code."),
) -> None:
    """Recommend movies a user has not rated yet, each with a one-line explanation.

    --user prints one user's list; --all writes every user's top-n to a file (batch scoring)
    and/or, with --store, saves them in marts.user_recommendations, which --user then serves
    while fresh (no build since, no new rating by that user; else it scores live);
    --age/--gender/--occupation serve someone without ratings from their demographic group.
    A user without personal candidates gets popular movies, and the explanation says so.

    Example: watchit recommend --user 42 --method hybrid -n 10

    Example: watchit recommend --all --store --method hybrid -n 20
    """
    method_name = method.value
    new_user = any(value is not None for value in (age, gender, occupation, zip_code))
    chosen = [
        flag
        for flag, given in (
            ("--user", user is not None),
            ("--all", all_users),
            ("--age/--gender/--occupation", new_user),
        )
        if given
    ]
    if len(chosen) != 1:
        problem = "choose only one of" if chosen else "give one of"
        raise InvalidInput(
            f"{problem} --user, --all and --age/--gender/--occupation "
            f"(got {', '.join(chosen) or 'none'}).",
            hint="watchit recommend --user 42",
        )
    if (output is not None or store) and not all_users:
        raise InvalidInput(
            f"{'--output' if output is not None else '--store'} goes with --all.",
            hint="watchit recommend --all --output recs.parquet",
        )
    if store:
        _store_all(ctx.obj.warehouse, output, method_name, limit)
        return
    con = warehouse.connect(ctx.obj.warehouse)
    try:
        if all_users:
            _recommend_all(con, output, method_name, limit)
        elif new_user:
            frame = _recommend_new_user(con, age, gender, occupation, zip_code, limit)
            _print_frame(frame, output_format, "Recommendations for a new user")
        else:
            frame = recommend.recommend_for_user(con, user, method=method_name, n=limit)
            _print_frame(frame, output_format, f"Recommendations for user {user} ({method_name})")
    finally:
        con.close()


def _recommend_new_user(
    con: duckdb.DuckDBPyConnection,
    age: int | None,
    gender: Gender | None,
    occupation: str | None,
    zip_code: str | None,
    limit: int,
) -> pl.DataFrame:
    missing = [
        name
        for name, value in (("--age", age), ("--gender", gender), ("--occupation", occupation))
        if value is None
    ]
    if missing:
        raise InvalidInput(
            f"a new user needs {', '.join(missing)} as well.",
            hint="watchit recommend --age 25 --gender F --occupation programmer",
        )
    assert gender is not None and age is not None and occupation is not None
    return cold_start.recommend_for_demographics(
        con, age=age, gender=gender.value, occupation=occupation, zip_code=zip_code, n=limit
    )


def _recommend_all(
    con: duckdb.DuckDBPyConnection, output: Path | None, method: str, limit: int
) -> None:
    if output is None:
        raise InvalidInput(
            "--all needs --output or --store.",
            hint="watchit recommend --all --output recs.parquet",
        )
    batch_files.check_output_path(output)
    started = time.perf_counter()
    user_ids = recommend.known_user_ids(con)
    frames = []
    console = Console(stderr=True)
    with Progress(
        TextColumn("recommending"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("users"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("users", total=len(user_ids))
        for start in range(0, len(user_ids), BATCH_USERS):
            batch = user_ids[start : start + BATCH_USERS]
            frames.append(recommend.recommend_for_users(con, batch, method=method, n=limit))
            progress.advance(task, len(batch))
    frame = pl.concat(frames) if frames else pl.DataFrame()
    batch_files.write_frame(frame, output)
    typer.echo(
        f"Wrote {frame.height:,} recommendations for {len(user_ids):,} users ({method}) to "
        f"{output} in {time.perf_counter() - started:.1f} s.",
        err=True,
    )


def _store_all(path: Path, output: Path | None, method: str, limit: int) -> None:
    """Score every user and save the lists in a rebuilt warehouse (atomic swap)."""
    if output is not None:
        batch_files.check_output_path(output)
    started = time.perf_counter()
    console = Console(stderr=True)
    with (
        Progress(
            TextColumn("storing recommendations"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("users"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress,
        warehouse.rebuild(path, start_from_existing=True) as con,
    ):
        task = progress.add_task("users", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        frame = recommend.store_recommendations(
            con, method, limit, batch_users=BATCH_USERS, progress=advance
        )
        warehouse.record_build_info(con, "recommend", parameters={"method": method, "n": limit})
    if output is not None:
        batch_files.write_frame(frame, output)
    users = frame["user_id"].n_unique() if frame.height else 0
    typer.echo(
        f"Stored {frame.height:,} recommendations for {users:,} users ({method}, top {limit}) "
        f"in marts.user_recommendations of {path} in {time.perf_counter() - started:.1f} s.",
        err=True,
    )


def _print_frame(frame: pl.DataFrame, output_format: OutputFormat, title: str) -> None:
    if output_format is OutputFormat.table:
        shown = frame.with_columns(pl.col("predicted_rating").round(2)).select(_SHOWN_COLUMNS)
        print_rows(list(shown.columns), shown.rows(), output_format, title=title)
    else:
        print_rows(list(frame.columns), frame.rows(), output_format)


def similar(
    ctx: typer.Context,
    movie: str = typer.Option(
        ...,
        "--movie",
        help='Part of a title ("toy story"; case and accents ignored) or a movie id.',
    ),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=1000, help="Similar movies to show."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="Output format: table, csv or json."
    ),
) -> None:
    """List the movies most similar to a movie, found by title.

    Similarity is the shrunk Pearson-baseline similarity of marts.movie_neighbours, with the
    number of users who rated both. When several titles match, the most-rated one is used and
    the others are listed on stderr.

    Example: watchit similar --movie "Toy Story" -n 10
    """
    con = warehouse.connect(ctx.obj.warehouse)
    try:
        choice = movie_search.find_movie(con, movie)
        frame = movie_search.similar_movies(con, choice.movie_id, limit)
    finally:
        con.close()
    console = Console(stderr=True)
    if choice.other_matches:
        others = "; ".join(choice.other_matches[: movie_search.MAX_MATCHES_SHOWN - 1])
        console.print(
            f'"{movie}" matches several movies; using the most rated, {choice.title} '
            f"({choice.count_ratings} ratings). Others: {others}",
            highlight=False,
            markup=False,
        )
    if frame.is_empty():
        console.print(
            f"{choice.title} has no similar movie: no other movie shares enough raters with it.",
            highlight=False,
            markup=False,
        )
    shown = (
        frame.with_columns(pl.col("similarity").round(3))
        if output_format is OutputFormat.table
        else frame
    )
    print_rows(
        list(shown.columns), shown.rows(), output_format, title=f"Movies similar to {choice.title}"
    )


def predict(
    ctx: typer.Context,
    pairs: Path = typer.Option(
        ..., "--pairs", help="CSV file with the header user_id,movie_id and one pair per line."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="File to write, .csv or .parquet."),
    method: PredictMethod = typer.Option(
        "hybrid", "--method", "-m", help="baseline, item, user or hybrid."
    ),
) -> None:
    """Predict ratings for (user, movie) pairs from a CSV file (batch scoring).

    Writes user_id, movie_id, predicted_rating (1 to 5) and is_fallback in input order. A pair
    the method cannot score (unknown user or movie, no neighbour) gets the baseline
    mu + b_u + b_i, with bias 0 for an unknown user or movie, and is_fallback = true.

    Example: watchit predict --pairs pairs.csv --output predictions.csv --method hybrid
    """
    batch_files.check_output_path(output)
    requests = batch_files.read_pairs(pairs)
    started = time.perf_counter()
    con = warehouse.connect(ctx.obj.warehouse)
    try:
        with Console(stderr=True).status(f"predicting {requests.height:,} pairs..."):
            predictions = cf.predict_ratings(con, requests, method.value)
    finally:
        con.close()
    batch_files.write_frame(predictions, output)
    fallbacks = int(predictions["is_fallback"].sum()) if predictions.height else 0
    typer.echo(
        f"Wrote {predictions.height:,} predictions ({method.value}, {fallbacks:,} baseline "
        f"fallbacks) to {output} in {time.perf_counter() - started:.1f} s.",
        err=True,
    )


def search_movies(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="Part of the title; case and accents are ignored."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="Movies to show."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="Output format: table, csv or json."
    ),
) -> None:
    """Find movies by title: id, title, year, genres and number of ratings, most rated first.

    Example: watchit search-movies "star wars"
    """
    con = warehouse.connect(ctx.obj.warehouse)
    try:
        frame = movie_search.search_movies(con, query, limit)
    finally:
        con.close()
    if frame.is_empty():
        from pipeline.errors import UnknownMovie

        raise UnknownMovie(
            f'no movie title contains "{query.strip()}".', hint="try a shorter part of the title."
        )
    shown = frame.with_columns(pl.col("mean_rating").round(2))
    print_rows(list(shown.columns), shown.rows(), output_format, title=f'Movies matching "{query}"')


def register(app: typer.Typer) -> None:
    """Add the serving commands to the app."""
    app.command("recommend")(recommend_command)
    app.command("similar")(similar)
    app.command("predict")(predict)
    app.command("search-movies")(search_movies)
