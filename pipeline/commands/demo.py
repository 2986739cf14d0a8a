"""The `demo` command: the main job end to end on the embedded defaults, step by step.

Each step is the real `watchit` command run in this process, so the demo shows exactly what a
user would type and fails the same way they would see it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import typer
from rich.console import Console

from pipeline import datasets
from pipeline.demo import choose_data

_STDERR = Console(stderr=True)


def demo(
    ctx: typer.Context,
    data: Path = typer.Argument(
        None,
        envvar="WATCHIT_DATA",
        help="Local MovieLens zip or folder to use instead of downloading MovieLens 1M.",
    ),
    data_root: Path = typer.Option(
        Path("data"), "--data-root", help="Folder for downloaded or generated data (gitignored)."
    ),
    sample_ratings: int = typer.Option(
        60_000, "--sample-ratings", min=1000, help="Size of the generated sample, if one is needed."
    ),
    base_url: str = typer.Option(
        datasets.GROUPLENS_URL,
        "--base-url",
        envvar="WATCHIT_GROUPLENS_URL",
        help="Where ml-1m.zip is downloaded from.",
    ),
) -> None:
    """Run the whole job: data, load, build, clusters, recommendations and a personal message.

    Data: the local copy you name, else MovieLens 1M downloaded from GroupLens, else a
    generated sample (it says which). Messages use the offline writer, so nothing else
    needs to run.

    Example: watchit demo ~/Downloads/ml-1m.zip
    """
    chosen = choose_data(data, data_root, sample_ratings, base_url)
    _STDERR.print(f"[bold]Data:[/bold] {chosen.description}", highlight=False)
    warehouse = str(ctx.obj.warehouse)
    for step in (
        ["load", "--data-dir", str(chosen.folder)],
        ["build"],
        ["cluster"],
        ["clusters"],
        ["recommend", "--user", "1", "--method", "hybrid", "-n", "10"],
        ["recommend", "--user", "1", "--method", "cluster", "-n", "5"],
        ["recommend", "--age", "25", "--gender", "F", "--occupation", "programmer", "-n", "5"],
        ["message", "--user", "1", "--provider", "offline"],
    ):
        _run_step(ctx, ["--warehouse", warehouse, *step])
    _STDERR.print(
        f"[bold]Done.[/bold] Explore it: watchit --warehouse {warehouse} schema", highlight=False
    )


def _run_step(ctx: typer.Context, arguments: list[str]) -> None:
    """Run one watchit command in-process; stop the demo with its exit code if it fails."""
    _STDERR.rule(f"watchit {shlex.join(arguments[2:])}")
    root = ctx.find_root().command
    exit_code = root.main(arguments, prog_name="watchit", standalone_mode=False)
    if exit_code:
        raise typer.Exit(exit_code)


def register(app: typer.Typer) -> None:
    """Add the demo command to the app."""
    app.command("demo")(demo)
