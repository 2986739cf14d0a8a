"""watchit cluster / clusters on planted data: tables, build keeps them, errors, provenance."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cluster_cli import invoke_ok
from typer.testing import CliRunner

from pipeline import warehouse as wh
from pipeline.cli import app

CLUSTER_TABLES = (
    "marts.user_clusters",
    "marts.clusters",
    "marts.cluster_k_scores",
    "marts.cluster_popular_movies",
    "marts.demographic_groups",
    "marts.demographic_popular_movies",
)


def table_counts(path: Path) -> dict[str, int]:
    con = wh.connect(path, read_only=True)
    try:
        return {
            table: con.execute(f"select count(*) from {table}").fetchall()[0][0]
            for table in CLUSTER_TABLES
        }
    finally:
        con.close()


def test_cluster_chooses_k_and_build_keeps_the_tables(
    planted_warehouse: Callable[..., Path], runner: CliRunner
) -> None:
    path = planted_warehouse("--k-min", "2", "--k-max", "4", "--seed", "7")
    before = table_counts(path)
    assert before["marts.user_clusters"] == 40 and before["marts.cluster_k_scores"] == 3
    assert all(count > 0 for count in before.values())
    invoke_ok(runner, path, "build", "--validation-fraction", "0")
    assert table_counts(path) == before  # clusters depend on staging only: build keeps them
    con = wh.connect(path, read_only=True)
    try:
        ((chosen, parameters),) = con.execute(
            "select k, (select parameters from meta.build_info where step = 'cluster') "
            "from marts.cluster_k_scores where is_chosen"
        ).fetchall()
        comments = con.execute(
            "select count(*) filter (where comment is null) from duckdb_columns() "
            "where schema_name = 'marts' and table_name in "
            "('user_clusters', 'clusters', 'cluster_k_scores', 'cluster_popular_movies', "
            "'demographic_groups', 'demographic_popular_movies')"
        ).fetchall()
    finally:
        con.close()
    assert chosen == 2  # the planted two groups
    assert json.loads(parameters)["random_state"] == 7
    assert comments == [(0,)]


def test_clusters_lists_labels_and_top_movies(
    planted_warehouse: Callable[..., Path], runner: CliRunner
) -> None:
    path = planted_warehouse()
    rows = json.loads(invoke_ok(runner, path, "clusters", "--top", "2", "-f", "json"))
    assert sorted(row["label"] for row in rows) == [
        "action and sci-fi fans",
        "drama and romance fans",
    ]
    assert all(row["users"] == 20 for row in rows)
    assert all(row["top_movies"].count(";") == 1 for row in rows)


def test_cluster_errors_are_one_line(
    planted_warehouse: Callable[..., Path], runner: CliRunner, warehouse: Path
) -> None:
    result = runner.invoke(app, ["--warehouse", str(warehouse), "cluster", "--k", "9"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: cannot form 9..9 clusters from 4 users. Hint: pass a smaller --k or load more users."
    )
    result = runner.invoke(app, ["--warehouse", str(warehouse), "clusters"])
    assert result.exit_code == 1
    assert "Error: the warehouse has no marts.clusters. Hint: run `watchit cluster` first." in (
        result.stderr
    )
    result = runner.invoke(
        app, ["--warehouse", str(warehouse), "cluster", "--k-min", "5", "--k-max", "3"]
    )
    assert result.exit_code == 1
    assert "Error: k range must satisfy 2 <= k-min <= k-max, got 5..3." in result.stderr
