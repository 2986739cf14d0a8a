"""Precomputed lists (marts.user_recommendations, `watchit recommend --all --store`): they equal
the live lists at store time, and a build, a newer step or a new rating sends a user back to
live scoring."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from serving_helpers import build_serving_warehouse
from typer.testing import CliRunner

from pipeline import recommend
from pipeline import warehouse as wh
from pipeline.cli import app
from pipeline.errors import InvalidInput, WarehouseNotFound

# Two taste groups sharing movies 1-6 plus a few movies only some users rated, so every
# method has personal candidates and some users need popular fill-ups.
RATINGS = [
    (1, 1, 5), (1, 2, 5), (1, 3, 1), (1, 4, 1), (1, 7, 5),
    (2, 1, 4), (2, 2, 5), (2, 3, 2), (2, 4, 1), (2, 8, 5), (2, 9, 4),
    (3, 1, 5), (3, 2, 4), (3, 3, 1), (3, 5, 2), (3, 7, 4), (3, 9, 5),
    (4, 1, 1), (4, 2, 2), (4, 3, 5), (4, 4, 5), (4, 6, 5), (4, 10, 4),
    (5, 1, 2), (5, 3, 4), (5, 4, 5), (5, 5, 4), (5, 6, 4), (5, 11, 5),
    (6, 2, 1), (6, 3, 5), (6, 4, 4), (6, 6, 5), (6, 10, 5), (6, 12, 3),
    (7, 13, 4),
]  # fmt: skip
METHODS = ("hybrid", "item", "user", "popular")
FLOATS = ("predicted_rating", "score")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_serving_warehouse(tmp_path_factory.mktemp("precomputed"), RATINGS)


@pytest.fixture(scope="module")
def stored(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of `built` with every method's top 5 stored (the module's read-only copy)."""
    path = tmp_path_factory.mktemp("stored") / "warehouse.duckdb"
    shutil.copy(built, path)
    with wh.rebuild(path, start_from_existing=True) as con:
        for method in METHODS:
            recommend.store_recommendations(con, method, 5, batch_users=3)
    return path


@pytest.fixture
def writable(stored: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.duckdb"
    shutil.copy(stored, path)
    return path


def assert_same_lists(served: pl.DataFrame, live: pl.DataFrame) -> None:
    """Same movies, ranks, titles and explanations; scores equal up to float summation order."""
    assert served.schema == live.schema
    assert served.drop(FLOATS).equals(live.drop(FLOATS))
    for column in FLOATS:
        assert ((served[column] - live[column]).abs().max() or 0.0) <= 1e-9


def rate_now(path: Path, user_id: int, movie_id: int) -> None:
    con = wh.connect(path, read_only=False)
    try:
        con.execute(
            "insert into app.ratings (user_id, movie_id, rating, rated_at) values (?, ?, 5, ?)",
            [user_id, movie_id, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)],
        )
    finally:
        con.close()


@pytest.mark.parametrize("method", METHODS)
def test_stored_lists_equal_live_lists_for_every_user(stored: Path, method: str) -> None:
    con = wh.connect(stored)
    try:
        user_ids = recommend.known_user_ids(con)
        assert user_ids == [1, 2, 3, 4, 5, 6, 7]
        for user_id in user_ids:
            for n in (5, 3):  # a shorter request is served from the prefix of the stored list
                served = recommend.stored_recommendations(con, user_id, method, n)
                live = recommend.recommend_for_user(con, user_id, method, n, use_stored=False)
                assert served is not None, (user_id, method)
                assert_same_lists(served, live)
                assert_same_lists(recommend.recommend_for_user(con, user_id, method, n), live)
    finally:
        con.close()


def test_the_store_covers_every_user_and_method_once(stored: Path) -> None:
    con = wh.connect(stored)
    try:
        rows = con.execute(
            "select method, count(distinct user_id), max(rank), count(distinct computed_at), "
            "min(list_limit), max(list_limit) from marts.user_recommendations "
            "group by method order by method"
        ).fetchall()
        rated = con.execute(
            "select count(*) from marts.user_recommendations "
            "semi join staging.stg_ratings using (user_id, movie_id)"
        ).fetchall()
    finally:
        con.close()
    assert [row[0] for row in rows] == sorted(METHODS)
    assert all(row[1:] == (7, 5, 1, 5, 5) for row in rows), rows
    assert rated == [(0,)]


def test_a_longer_request_than_stored_is_scored_live(stored: Path) -> None:
    con = wh.connect(stored)
    try:
        assert recommend.stored_recommendations(con, 1, "hybrid", 6) is None
        live = recommend.recommend_for_user(con, 1, "hybrid", 6)
    finally:
        con.close()
    assert live.height == 6


def test_a_new_rating_makes_that_users_list_stale_and_excludes_the_movie(writable: Path) -> None:
    con = wh.connect(writable)
    try:
        first_choice = recommend.recommend_for_user(con, 1, "hybrid", 5)["movie_id"][0]
    finally:
        con.close()
    rate_now(writable, 1, int(first_choice))
    con = wh.connect(writable)
    try:
        assert recommend.stored_recommendations(con, 1, "hybrid", 5) is None
        after = recommend.recommend_for_user(con, 1, "hybrid", 5)
        live = recommend.recommend_for_user(con, 1, "hybrid", 5, use_stored=False)
        # Other users' lists stay fresh.
        assert recommend.stored_recommendations(con, 2, "hybrid", 5) is not None
    finally:
        con.close()
    assert first_choice not in after["movie_id"].to_list()
    assert_same_lists(after, live)


def test_a_later_pipeline_step_makes_every_list_stale(writable: Path) -> None:
    con = wh.connect(writable, read_only=False)
    try:
        assert recommend.stored_recommendations(con, 3, "item", 5) is not None
        wh.record_build_info(con, "cluster")
        assert recommend.stored_recommendations(con, 3, "item", 5) is None
        wh.record_build_info(con, "recommend")  # a store run's own record changes nothing
        assert recommend.stored_recommendations(con, 3, "item", 5) is None
    finally:
        con.close()


def test_watchit_build_empties_the_stored_lists(writable: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["--warehouse", str(writable), "build", "--min-support", "2", "--shrinkage", "1",
         "--validation-fraction", "0", "--factors", "2", "--factor-iterations", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    con = wh.connect(writable)
    try:
        assert con.execute("select count(*) from marts.user_recommendations").fetchall() == [(0,)]
        assert recommend.stored_recommendations(con, 1, "hybrid", 5) is None
        assert recommend.recommend_for_user(con, 1, "hybrid", 5).height == 5
    finally:
        con.close()


def test_stored_rows_kept_across_a_build_would_still_be_stale(writable: Path) -> None:
    """Even if a future build kept the rows, its meta.build_info row makes them stale."""
    con = wh.connect(writable, read_only=False)
    try:
        wh.record_build_info(con, "build")
        assert con.execute("select count(*) from marts.user_recommendations").fetchall()[0][0] > 0
        assert recommend.stored_recommendations(con, 1, "hybrid", 5) is None
    finally:
        con.close()


def test_a_warehouse_without_the_table_is_scored_live_and_cannot_store(writable: Path) -> None:
    con = wh.connect(writable, read_only=False)
    try:
        con.execute("drop table marts.user_recommendations")
        assert recommend.stored_recommendations(con, 1, "hybrid", 5) is None
        assert recommend.recommend_for_user(con, 1, "hybrid", 5).height == 5
        with pytest.raises(WarehouseNotFound, match="marts.user_recommendations"):
            recommend.store_recommendations(con, "hybrid", 5)
        with pytest.raises(InvalidInput, match="at most 100"):
            recommend.store_recommendations(con, "hybrid", 101)
    finally:
        con.close()


def test_cli_store_end_to_end(built: Path, tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "cli.duckdb"
    shutil.copy(built, path)
    output = tmp_path / "recs.csv"
    result = runner.invoke(
        app,
        ["--warehouse", str(path), "recommend", "--all", "--store", "-m", "item", "-n", "4",
         "--output", str(output)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Stored 28 recommendations for 7 users (item, top 4)" in result.stderr
    con = wh.connect(path)
    try:
        table = pl.from_arrow(
            con.sql(
                "select user_id, rank, movie_id from marts.user_recommendations "
                "where method = 'item' order by user_id, rank"
            ).to_arrow_table()
        )
        steps = con.execute("select step, parameters from meta.build_info").fetchall()
        live = recommend.recommend_for_user(con, 5, "item", 4, use_stored=False)
    finally:
        con.close()
    assert table.height == 28
    assert ("recommend", '{"method": "item", "n": 4}') in steps
    written = pl.read_csv(output)
    assert written.select("user_id", "rank", "movie_id").rows() == table.rows()
    served = runner.invoke(
        app, ["--warehouse", str(path), "recommend", "--user", "5", "-m", "item", "-n", "4",
              "--format", "csv"],
    )  # fmt: skip
    assert served.exit_code == 0, served.output
    served_ids = pl.read_csv(served.stdout.encode())["movie_id"].to_list()
    assert served_ids == live["movie_id"].to_list()
    assert served_ids == table.filter(pl.col("user_id") == 5)["movie_id"].to_list()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "1", "--store"], "--store goes with --all"),
        (["--all", "--store", "-n", "101"], "at most 100"),
        (["--all"], "--all needs --output or --store"),
    ],
)
def test_cli_store_bad_input(
    built: Path, tmp_path: Path, runner: CliRunner, arguments: list[str], message: str
) -> None:
    path = tmp_path / "bad.duckdb"
    shutil.copy(built, path)
    before = path.read_bytes()
    result = runner.invoke(app, ["--warehouse", str(path), "recommend", *arguments])
    assert result.exit_code == 1
    assert "Error:" in result.output and message in result.output
    assert path.read_bytes() == before


def test_store_option_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(app, ["recommend", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "--store" in result.output
    assert "Example: watchit recommend --all --store" in " ".join(result.output.split())


def test_a_read_only_connection_serves_stored_lists(stored: Path) -> None:
    con = duckdb.connect(str(stored), read_only=True)
    try:
        assert recommend.stored_recommendations(con, 4, "popular", 5) is not None
    finally:
        con.close()


def test_the_audit_rejects_a_stored_movie_the_user_had_rated(writable: Path) -> None:
    con = wh.connect(writable, read_only=False)
    try:
        assert wh.run_audits(con) == []
        con.execute(
            "insert into marts.user_recommendations "
            "select user_id, movie_id, 'hybrid', 'x', 99, 3.0, 1.0, 5, now()::timestamp "
            "from staging.stg_ratings where user_id = 1 and movie_id = 1"
        )
        failures = wh.run_audits(con)
    finally:
        con.close()
    assert failures == ["user_recommendations__not_rated_when_stored: 1 offending row(s)"]
