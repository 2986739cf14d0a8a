"""`watchit demo` runs the whole job end to end and says which data it used."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.cli import app
from pipeline.synthetic import generate_movielens

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: connection refused at once


def _table_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("staging.stg_ratings", "marts.movie_neighbours", "marts.user_clusters")
        }


@pytest.mark.slow
def test_demo_offline_falls_back_to_a_generated_sample_and_runs_every_step(tmp_path, runner):
    warehouse = tmp_path / "demo.duckdb"
    arguments = ["--warehouse", str(warehouse), "demo", "--data-root", str(tmp_path / "data")]
    options = ["--sample-ratings", "8000", "--base-url", UNREACHABLE]
    result = runner.invoke(app, arguments + options)

    assert result.exit_code == 0, result.output
    assert "a generated sample of 8,000 ratings" in result.output
    assert "could not be downloaded: cannot reach" in result.output
    for step in ("load", "build", "cluster", "recommend", "message"):
        assert f"watchit {step}" in result.output
    counts = _table_counts(warehouse)
    assert counts["staging.stg_ratings"] == 8000
    assert counts["marts.movie_neighbours"] > 0
    assert counts["marts.user_clusters"] == 800


@pytest.mark.slow
def test_demo_prefers_a_named_local_copy(tmp_path, runner):
    local_copy = generate_movielens(tmp_path / "my-ml", 300, 200, 6000, seed=3)
    warehouse = tmp_path / "demo.duckdb"
    arguments = ["--warehouse", str(warehouse), "demo", str(local_copy)]
    options = ["--data-root", str(tmp_path / "data"), "--base-url", UNREACHABLE]
    result = runner.invoke(app, arguments + options)

    assert result.exit_code == 0, result.output
    assert f"your local copy {local_copy}" in result.output
    assert "generated sample" not in result.output
    assert _table_counts(warehouse)["staging.stg_ratings"] == 6000


def test_demo_stops_with_a_clear_error_when_the_named_copy_is_missing(tmp_path, runner):
    missing = tmp_path / "nowhere.zip"
    result = runner.invoke(app, ["--warehouse", str(tmp_path / "w.duckdb"), "demo", str(missing)])

    assert result.exit_code == 1
    assert f"Error: {missing} not found." in result.output
    assert not (tmp_path / "w.duckdb").exists()
