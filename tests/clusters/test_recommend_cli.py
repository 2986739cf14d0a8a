"""`watchit recommend` serves cold-start profiles and taste clusters through pipeline.cold_start."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cluster_cli import invoke_ok
from typer.testing import CliRunner

from pipeline.cli import app


def test_recommend_for_a_new_user_by_demographics(
    planted_warehouse: Callable[..., Path], runner: CliRunner
) -> None:
    path = planted_warehouse()
    out = invoke_ok(
        runner,
        path,
        "recommend",
        "--age",
        "25",
        "--gender",
        "M",
        "--occupation",
        "programmer",
        "--format",
        "json",
        "-n",
        "5",
    )
    rows = json.loads(out)
    assert [row["rank"] for row in rows] == [1, 2, 3, 4, 5]
    assert all(row["movie_id"] <= 20 for row in rows)  # the group's action movies
    assert rows[0]["explanation"].startswith("popular with men aged 25-34 who work as programmer (")


def test_recommend_for_a_new_user_rejects_an_unknown_occupation(
    planted_warehouse: Callable[..., Path], runner: CliRunner
) -> None:
    path = planted_warehouse()
    result = runner.invoke(
        app,
        [
            "--warehouse",
            str(path),
            "recommend",
            "--age",
            "25",
            "--gender",
            "F",
            "--occupation",
            "astronaut",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown occupation 'astronaut'. Hint: use one of: ")
    assert "programmer" in result.stderr


def test_recommend_with_the_cluster_method(
    planted_warehouse: Callable[..., Path], runner: CliRunner
) -> None:
    path = planted_warehouse()
    out = invoke_ok(
        runner, path, "recommend", "--user", "21", "--method", "cluster", "--format", "json"
    )
    rows = json.loads(out)
    assert rows and all(21 <= row["movie_id"] <= 40 for row in rows)
    assert 'popular in your taste group "drama and romance fans"' in rows[0]["explanation"]
