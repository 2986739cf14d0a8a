"""`watchit build`: options reach meta.build_parameters and the neighbour tables."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline import warehouse as wh
from pipeline.cli import app


def test_build_records_its_options_and_respects_k(warehouse: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "--warehouse", str(warehouse), "build",
            "--item-k", "1", "--user-k", "2", "--min-support", "1", "--shrinkage", "7.5",
            "--user-bias-regularisation", "3", "--movie-bias-regularisation", "4",
            "--validation-fraction", "0", "--factors", "3", "--factor-iterations", "2",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Built CF models" in result.output
    con = wh.connect(warehouse)
    parameters = dict(con.execute("select name, value from meta.build_parameters").fetchall())
    assert parameters["item_neighbours_k"] == 1
    assert parameters["user_neighbours_k"] == 2
    assert parameters["min_support"] == 1
    assert parameters["shrinkage"] == 7.5
    assert parameters["user_bias_regularisation"] == 3
    assert parameters["movie_bias_regularisation"] == 4
    assert parameters["validation_fraction"] == 0
    assert parameters["is_validation_build"] == 0
    assert parameters["count_factors"] == 3 and parameters["factor_iterations"] == 2
    (recorded,) = con.execute(
        "select parameters from meta.build_info where step = 'build' order by built_at desc limit 1"
    ).fetchone()
    assert json.loads(recorded)["shrinkage"] == 7.5
    most_neighbours = con.execute(
        "select max(n) from (select count(*) as n from marts.movie_neighbours group by movie_id)"
    ).fetchone()
    assert most_neighbours == (1,)
    most_user_neighbours = con.execute(
        "select max(n) from (select count(*) as n from marts.user_neighbours group by user_id)"
    ).fetchone()
    assert most_user_neighbours == (2,)
    (min_count,) = con.execute(
        "select min(count_common_raters) from marts.movie_similarities"
    ).fetchone()
    assert min_count == 1
    con.close()


def test_build_rejects_a_bad_option_before_any_work(warehouse: Path, runner: CliRunner) -> None:
    before = warehouse.read_bytes()
    result = runner.invoke(app, ["--warehouse", str(warehouse), "build", "--item-k", "0"])
    assert result.exit_code == 2
    assert "--item-k" in result.output
    assert warehouse.read_bytes() == before


def test_build_without_a_warehouse_is_a_one_line_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["--warehouse", str(tmp_path / "none.duckdb"), "build"])
    assert result.exit_code == 1
    assert "Error: warehouse" in result.output and "does not exist" in result.output
