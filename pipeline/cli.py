"""The `watchit` command line: one typer app, commands grouped in pipeline/commands/.

Results go to stdout; progress, logs and errors to stderr. Exit codes: 0 success,
1 expected failure (a RecommenderError, printed as one `Error: ...` line), 2 usage error.
"""

from __future__ import annotations

import logging
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperGroup

from pipeline.errors import RecommenderError
from pipeline.warehouse import DEFAULT_WAREHOUSE


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    verbose: bool


class _ErrorReportingGroup(TyperGroup):
    """Turn a RecommenderError from any command into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RecommenderError as error:
            settings = ctx.obj if isinstance(ctx.obj, Settings) else None
            if settings and settings.verbose:
                typer.echo(traceback.format_exc(), err=True)
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_ErrorReportingGroup,
    help="WatchIt: MovieLens recommendations computed inside a DuckDB warehouse.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"max_content_width": 120},
)


@app.callback()
def main(
    ctx: typer.Context,
    warehouse: Path = typer.Option(
        DEFAULT_WAREHOUSE,
        "--warehouse",
        envvar="WATCHIT_WAREHOUSE",
        help="DuckDB warehouse file to read or build.",
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Log progress and show tracebacks."
    ),
) -> None:
    """WatchIt: MovieLens recommendations computed inside a DuckDB warehouse."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = Settings(warehouse=warehouse, verbose=verbose)


def _register_commands() -> None:
    # Each group module adds its commands to `app`; they never import cli themselves.
    from pipeline.commands import (
        build,
        clusters,
        data,
        demo,
        download,
        evaluate,
        messages,
        recommend,
    )

    for module in (demo, download, data, build, recommend, clusters, messages, evaluate):
        module.register(app)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("COLUMNS", "120")
    app()
