"""Precomputed lists on the real ML-100K, through the CLI: load, build, `recommend --all
--store`, then stored lists equal live ones and a new rating falls back to live scoring."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import recommend
from pipeline import warehouse as wh
from pipeline.cli import app

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def stored_ml100k(ml100k_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ml100k_precomputed") / "warehouse.duckdb"
    runner = CliRunner()
    for arguments in (
        ["load", "--data-dir", str(ml100k_dir)],
        ["build"],
        ["recommend", "--all", "--store", "--method", "hybrid", "-n", "10"],
    ):
        result = runner.invoke(app, ["--warehouse", str(path), *arguments])
        assert result.exit_code == 0, (arguments, result.output)
    assert "for 943 users (hybrid, top 10)" in result.stderr
    return path


def test_stored_hybrid_lists_equal_live_lists(stored_ml100k: Path) -> None:
    con = wh.connect(stored_ml100k)
    try:
        users = random.Random(3).sample(recommend.known_user_ids(con), 25)
        for user_id in users:
            served = recommend.stored_recommendations(con, user_id, "hybrid", 10)
            live = recommend.recommend_for_user(con, user_id, "hybrid", 10, use_stored=False)
            assert served is not None and served.height == 10
            assert served["movie_id"].to_list() == live["movie_id"].to_list()
            assert served["explanation"].to_list() == live["explanation"].to_list()
            assert (served["score"] - live["score"]).abs().max() <= 1e-9
    finally:
        con.close()


def test_a_new_rating_sends_the_user_to_live_scoring(stored_ml100k: Path) -> None:
    con = wh.connect(stored_ml100k, read_only=False)
    try:
        top = recommend.recommend_for_user(con, 42, "hybrid", 10)["movie_id"].to_list()
        con.execute(
            "insert into app.ratings (user_id, movie_id, rating, rated_at) values (42, ?, 2, ?)",
            [top[0], dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)],
        )
        assert recommend.stored_recommendations(con, 42, "hybrid", 10) is None
        after = recommend.recommend_for_user(con, 42, "hybrid", 10)["movie_id"].to_list()
        assert recommend.stored_recommendations(con, 43, "hybrid", 10) is not None
    finally:
        con.close()
    assert top[0] not in after
    assert len(after) == 10
