"""The committed warehouse.duckdb.example: small, complete, opened read-only, made from generated data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from pipeline import sqlfiles
from pipeline import warehouse as wh
from pipeline.cli import app
from pipeline.synthetic import generate_movielens

EXAMPLE = Path(__file__).resolve().parents[2] / "warehouse.duckdb.example"
# The arguments of `watchit generate` in the justfile's `example` recipe.
USERS, MOVIES, RATINGS, SEED = 150, 120, 6_000, 0


def digest() -> str:
    return hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()


def test_example_is_small_and_holds_every_loaded_object_and_some_marts() -> None:
    assert EXAMPLE.stat().st_size < 5_000_000
    before = digest()
    con = wh.connect(EXAMPLE, read_only=True)
    try:
        for sql_object in sqlfiles.ordered_objects(("meta", "raw", "staging")):
            assert wh.object_exists(con, sql_object.qualified_name), sql_object.qualified_name
        for name in (
            "marts.movie_similarities",
            "marts.user_similarities",
            "marts.movie_neighbours",
        ):
            assert wh.object_exists(con, name), name
        steps = {step for (step,) in con.execute("select step from meta.build_info").fetchall()}
        assert {"load", "build"} <= steps
        assert con.execute(
            "select layout, count_ratings, count_users, count_movies from meta.datasets"
        ).fetchall() == [("ml-1m", RATINGS, USERS, MOVIES)]
        assert wh.run_audits(con) == []
    finally:
        con.close()
    assert digest() == before


def test_example_answers_watchit_sql(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "--warehouse",
            str(EXAMPLE),
            "sql",
            "select count(*) from staging.stg_ratings",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"count_star()\n{RATINGS}\n"


def test_example_ratings_are_the_generated_ones(tmp_path: Path) -> None:
    """Deterministic and synthetic: regenerating with the recipe's seed gives the same rows."""
    folder = generate_movielens(tmp_path, USERS, MOVIES, RATINGS, seed=SEED)
    expected = np.array(
        [line.split("::") for line in (folder / "ratings.dat").read_text("latin-1").splitlines()],
        dtype=np.int64,
    )
    con = wh.connect(EXAMPLE, read_only=True)
    try:
        stored = np.array(
            con.execute(
                "select user_id, movie_id, rating, rated_at_epoch from raw.ratings order by source_line"
            ).fetchall(),
            dtype=np.int64,
        )
    finally:
        con.close()
    np.testing.assert_array_equal(stored, expected)
