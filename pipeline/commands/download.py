"""Data commands: fetch a MovieLens archive (`download`) or write a synthetic one (`generate`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from pipeline import datasets, synthetic

_STDERR = Console(stderr=True)


def download(
    dataset: str = typer.Option(
        None,
        "--dataset",
        help=f"Which archive: {', '.join(datasets.DATASETS)} (default ml-1m). With --from, "
        "recognised from the files unless given.",
    ),
    data_root: Path = typer.Option(
        Path("data"), "--data-root", help="Folder that receives <dataset>/ (gitignored)."
    ),
    source: Path = typer.Option(
        None,
        "--from",
        help="Local MovieLens .zip or unpacked folder to install instead of downloading.",
    ),
    base_url: str = typer.Option(
        datasets.GROUPLENS_URL,
        "--base-url",
        envvar="WATCHIT_GROUPLENS_URL",
        help="Where <dataset>.zip is fetched from (a mirror, or a local server in tests).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Download again even if the folder is already complete."
    ),
) -> None:
    """Download a MovieLens archive from GroupLens, verify its md5 and unpack it under data/.

    The archive is streamed, checked against the published md5 and unpacked into a
    temporary folder that is renamed to <data-root>/<dataset>/ only when complete. Without
    network, fetch the zip elsewhere and pass it with --from. Prints the folder path.

    Example: watchit download --dataset ml-1m  (offline: watchit download --from ~/Downloads/ml-1m.zip)
    """
    if source is not None:
        folder = datasets.install_from(source, data_root, dataset)
    else:
        dataset = dataset or "ml-1m"
        with Progress(
            TextColumn(f"[bold]{dataset}.zip"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=_STDERR,
            transient=True,
            disable=not _STDERR.is_terminal,  # no stray blank line in logs and pipes
        ) as bar:
            task = bar.add_task("download", total=None)

            def advance(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            folder = datasets.download(dataset, data_root, base_url, advance, force=force)
    typer.echo(str(folder))
    _STDERR.print(f"Next: watchit load --data-dir {folder}", highlight=False)


def generate(
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        file_okay=False,
        help="Folder to write ratings.dat, users.dat, movies.dat.",
    ),
    users: int = typer.Option(
        6040, "--users", min=1, help="Number of users (ignored with --users-file)."
    ),
    movies: int = typer.Option(
        3706, "--movies", min=1, help="Number of movies (ignored with --movies-file)."
    ),
    ratings: int = typer.Option(
        1_000_000, "--ratings", min=1, help="Number of ratings; each (user, movie) at most once."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same files."),
    users_file: Path = typer.Option(
        None,
        "--users-file",
        exists=True,
        dir_okay=False,
        help="Reuse this users.dat (e.g. the real ML-1M one) and rate with its user ids.",
    ),
    movies_file: Path = typer.Option(
        None,
        "--movies-file",
        exists=True,
        dir_okay=False,
        help="Reuse this movies.dat (e.g. the real ML-1M one) and rate its movie ids.",
    ),
) -> None:
    """Write a synthetic MovieLens dataset in exact ML-1M format (for tests, demos, benchmarks).

    User activity and movie popularity are heavy-tailed, every user has at least 20 ratings
    when the numbers allow it, and stars follow a latent-factor model (mean about 3.6).
    The result loads with `watchit load --data-dir <out>`. Prints the folder path.

    Example: watchit generate --out data/synthetic --users 6040 --movies 3706 --ratings 1000000 --seed 0
    """
    with Progress(
        TextColumn("[bold]generating ratings"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_STDERR,
        transient=True,
        disable=not _STDERR.is_terminal,
    ) as bar:
        task = bar.add_task("generate", total=ratings)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        folder = synthetic.generate_movielens(
            out, users, movies, ratings, seed, users_file, movies_file, progress=advance
        )
    typer.echo(str(folder))
    _STDERR.print(f"Next: watchit load --data-dir {folder}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(download)
    app.command()(generate)
