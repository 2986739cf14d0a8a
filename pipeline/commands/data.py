"""Warehouse commands: load the raw files, describe the schema, run ad-hoc SQL."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import typer

from pipeline import load as loader
from pipeline import sqlfiles, warehouse
from pipeline.errors import InvalidInput
from pipeline.output import OutputFormat, print_rows

log = logging.getLogger(__name__)


def load(
    ctx: typer.Context,
    data_dir: Path = typer.Option(
        Path("data/ml-1m"),
        "--data-dir",
        "-d",
        help="Unzipped MovieLens folder: ml-1m (ratings.dat, users.dat, movies.dat) or ml-100k.",
    ),
) -> None:
    """Load MovieLens files into a fresh warehouse, replacing the old one only on success.

    Every line is validated first; the first bad line is reported with its file and number,
    and the previous warehouse stays untouched.

    Example: watchit load --data-dir data/ml-1m
    """
    settings = ctx.obj
    with warehouse.rebuild(settings.warehouse, start_from_existing=False) as con:
        warehouse.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        summary = loader.load_dataset(con, data_dir)
        loader.record_dataset(con, summary)
        carried = warehouse.carry_over_schema(con, settings.warehouse, "app")
        if carried:
            log.info(
                "carried %d rows of app.* (sign-ups) over from the previous warehouse", carried
            )
        warehouse.record_build_info(con, "load", summary.checksums, {"data_dir": str(data_dir)})
    typer.echo(
        f"Loaded {summary.layout} from {data_dir}: {summary.count_ratings:,} ratings, "
        f"{summary.count_users:,} users, {summary.count_movies:,} movies into {settings.warehouse}.",
        err=True,
    )


def schema(
    ctx: typer.Context,
    layer: str = typer.Option(
        None, "--schema", "-s", help="Only this schema: raw, staging, intermediate, marts, meta."
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="Output format: table, csv or json."
    ),
) -> None:
    """Print every table and view with its columns and their documented meaning.

    Example: watchit schema --schema marts
    """
    con = warehouse.connect(ctx.obj.warehouse, read_only=True)
    try:
        rows = con.execute(
            "select objects.schema_name, objects.object_name, objects.kind, "
            "columns.column_name, columns.data_type, "
            "coalesce(columns.comment, objects.comment) as comment "
            "from (select schema_name, table_name as object_name, 'table' as kind, comment "
            "      from duckdb_tables() where not temporary "
            "      union all select schema_name, view_name, 'view', comment "
            "      from duckdb_views() where not internal and not temporary) as objects "
            "left join duckdb_columns() as columns "
            "  on columns.schema_name = objects.schema_name "
            "  and columns.table_name = objects.object_name "
            "where ($schema is null or objects.schema_name = $schema) "
            "  and objects.schema_name not in ('main', 'information_schema', 'pg_catalog') "
            "order by objects.schema_name, objects.object_name, columns.column_index",
            {"schema": layer},
        ).fetchall()
    finally:
        con.close()
    # One header row per object (its own comment), then its columns.
    shaped: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    for schema_name, object_name, kind, column_name, data_type, comment in rows:
        qualified = f"{schema_name}.{object_name}"
        if qualified not in seen:
            seen.add(qualified)
            object_comment = _object_comment(ctx.obj.warehouse, schema_name, object_name)
            shaped.append((qualified, kind, "", object_comment))
        shaped.append(("", data_type or "", column_name or "", comment or ""))
    print_rows(["object", "kind / type", "column", "meaning"], shaped, output_format)


def _object_comment(path: Path, schema_name: str, object_name: str) -> str:
    con = warehouse.connect(path, read_only=True)
    try:
        row = con.execute(
            "select comment from duckdb_tables() where schema_name = $1 and table_name = $2 "
            "union all select comment from duckdb_views() where schema_name = $1 "
            "and view_name = $2",
            [schema_name, object_name],
        ).fetchone()
    finally:
        con.close()
    return (row[0] if row else None) or ""


def sql(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="One read-only SQL statement, e.g. a select."),
    limit: int = typer.Option(100, "--limit", "-n", min=1, help="Print at most this many rows."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="Output format: table, csv or json."
    ),
) -> None:
    """Run an ad-hoc query against the warehouse, opened read-only.

    Example: watchit sql "select title, release_year from marts.movies limit 5"
    """
    con = warehouse.connect(ctx.obj.warehouse, read_only=True)
    try:
        try:
            result = con.execute(query)
        except duckdb.Error as error:
            raise InvalidInput(f"query failed: {str(error).splitlines()[0]}") from None
        if result.description is None:
            return
        columns = [column[0] for column in result.description]
        rows = result.fetchmany(limit)
    finally:
        con.close()
    print_rows(columns, rows, output_format)


def register(app: typer.Typer) -> None:
    app.command()(load)
    app.command()(schema)
    app.command()(sql)
