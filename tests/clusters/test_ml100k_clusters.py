"""Real ML-100K: watchit cluster / clusters --plot / signup, cold-start figures (module-scoped)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cluster_cli import invoke_ok
from typer.testing import CliRunner

from pipeline import cold_start, cold_start_eval
from pipeline import warehouse as wh

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def ml100k_clustered(ml100k_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    runner = CliRunner(env={"COLUMNS": "3000", "WATCHIT_WAREHOUSE": None})
    path = tmp_path_factory.mktemp("ml100k-clusters") / "warehouse.duckdb"
    invoke_ok(runner, path, "load", "--data-dir", str(ml100k_dir))
    invoke_ok(runner, path, "cluster", "--k-min", "2", "--k-max", "4", "--n-init", "3")
    return path


def test_cluster_tables_are_sane(ml100k_clustered: Path) -> None:
    con = wh.connect(ml100k_clustered, read_only=True)
    try:
        ((users, clusters, k, bad_distance),) = con.execute(
            "select count(*), count(distinct cluster_id), max(cluster_id) + 1, "
            "count(*) filter (where distance < 0 or isnan(distance)) from marts.user_clusters"
        ).fetchall()
        scores = con.execute(
            "select k, silhouette, inertia, is_chosen from marts.cluster_k_scores order by k"
        ).fetchall()
        sizes = con.execute(
            "select sum(count_users), count(distinct label), min(len(centroid)), "
            "min(len(feature_names)) from marts.clusters"
        ).fetchall()
        ranks = con.execute(
            "select cluster_id, count(*), max(popularity_rank), min(count_ratings), "
            "min(damped_like_share), max(damped_like_share), min(damped_mean_rating), "
            "max(damped_mean_rating) from marts.cluster_popular_movies group by cluster_id"
        ).fetchall()
        ((groups, everyone),) = con.execute(
            "select count(*), max(count_users) filter (where group_level = 0) "
            "from marts.demographic_groups"
        ).fetchall()
    finally:
        con.close()
    assert users == 943 and clusters == k
    assert bad_distance == 0
    assert [row[0] for row in scores] == [2, 3, 4]
    assert [row[0] for row in scores if row[3]] == [k]
    assert max(scores, key=lambda row: row[1])[0] == k  # chosen by silhouette
    assert all(-1 <= row[1] <= 1 and row[2] > 0 for row in scores)
    assert sizes[0][0] == 943 and sizes[0][1] == k  # every user once, unique labels
    assert sizes[0][2] == sizes[0][3] > 38  # 18 genres x 2 + activity + SVD dimensions
    assert len(ranks) == k
    for _, count, top_rank, min_count, low, high, low_mean, high_mean in ranks:
        assert count == top_rank == 200
        assert min_count >= 5
        assert 0 <= low <= high <= 1 and 1 <= low_mean <= high_mean <= 5
    assert everyone == 943 and groups > 100


def test_clusters_command_and_png(
    ml100k_clustered: Path, tmp_path: Path, runner: CliRunner
) -> None:
    plot = tmp_path / "clusters.png"
    out = invoke_ok(
        runner, ml100k_clustered, "clusters", "--top", "3", "--plot", str(plot), "-f", "json"
    )
    rows = json.loads(out)
    assert sum(row["users"] for row in rows) == 943
    assert all(row["label"].endswith(" fans") for row in rows)
    assert all(row["top_movies"].count(";") == 2 for row in rows)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 20_000


def test_demographic_and_cluster_recommendations(ml100k_clustered: Path) -> None:
    con = wh.connect(ml100k_clustered, read_only=True)
    try:
        women = cold_start.recommend_for_demographics(
            con, age=25, gender="F", occupation="programmer"
        )
        members = cold_start.recommend_for_cluster_members(con, [1, 2, 3], n=10)
        rated = set(
            con.execute(
                "select user_id, movie_id from staging.stg_ratings where user_id <= 3"
            ).fetchall()
        )
    finally:
        con.close()
    assert women.height == 10 and women["rank"].to_list() == list(range(1, 11))
    assert women["explanation"][0].startswith("popular with women aged 25-34")
    assert women["title"].null_count() == 0
    assert members.height == 30
    assert not {tuple(row) for row in members.select("user_id", "movie_id").rows()} & rated


def test_signup_on_real_data(ml100k_clustered: Path, runner: CliRunner, tmp_path: Path) -> None:
    ratings = tmp_path / "mine.csv"
    # Star Wars, Empire, Return of the Jedi, Raiders, Terminator ... : a sci-fi/action fan.
    liked = [50, 172, 181, 174, 195, 89, 96, 82, 183, 210]
    ratings.write_text("movie_id,rating\n" + "".join(f"{m},5\n" for m in liked), encoding="utf-8")
    out = invoke_ok(
        runner,
        ml100k_clustered,
        "signup",
        "--name",
        "Ada",
        "--age",
        "36",
        "--gender",
        "F",
        "--occupation",
        "programmer",
        "--ratings",
        str(ratings),
        "-f",
        "json",
    )
    rows = json.loads(out)
    assert len(rows) == 10 and {row["method"] for row in rows} == {"item_cf"}
    assert not {row["movie_id"] for row in rows} & set(liked)
    con = wh.connect(ml100k_clustered, read_only=True)
    try:
        ((user_id, count),) = con.execute(
            "select users.user_id, count(*) from app.users as users "
            "inner join app.ratings as ratings using (user_id) group by users.user_id"
        ).fetchall()
    finally:
        con.close()
    assert user_id == 944 and count == len(liked)


def test_cold_start_evaluation_on_ml100k(ml100k_clustered: Path, tmp_path: Path) -> None:
    plot = tmp_path / "onboarding.png"
    config = cold_start_eval.ColdStartConfig(seed=1, onboarding_steps=(0, 10))
    frame = cold_start_eval.evaluate_cold_start(ml100k_clustered, config=config, plot_path=plot)
    figures = {(row["method"], row["metric"]): row for row in frame.to_dicts()}
    demographic = figures[("demographic", "ndcg_at_10")]
    popularity = figures[("global_popularity", "ndcg_at_10")]
    assert demographic["count_users"] == popularity["count_users"] >= 80
    assert 0 < popularity["value"] < demographic["value"] < 1  # the demographic groups win
    assert ("onboarding_item_cf", "ndcg_at_10_after_10_ratings") in figures
    assert ("onboarding", "ratings_until_cf_wins") in figures
    assert plot.stat().st_size > 10_000
    # The source warehouse is untouched: every user still has their ratings.
    con = wh.connect(ml100k_clustered, read_only=True)
    try:
        assert con.execute("select count(*) from staging.stg_ratings").fetchall() == [(100_000,)]
    finally:
        con.close()
