"""bench/rating_quality.py and bench/peers.py produce honest rows on small generated data."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from pipeline import cf, synthetic


@pytest.fixture(scope="module")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "ml-1m"
    return synthetic.generate_movielens(folder, 80, 60, 2400, seed=5)


def test_rating_quality_rows_cover_every_method(generated_dir: Path, tmp_path: Path) -> None:
    from bench import rating_quality

    rows = rating_quality.run(generated_dir, folds=5, seed=1, quick=True, with_peers=False)
    rmse = {row["case"]: row["value"] for row in rows if row["figure"] == "rmse"}
    assert set(rmse) == {f"watchit {method}" for method in cf.METHODS}
    assert all(0 < value < 2 for value in rmse.values()), rmse
    assert {row["benchmark"] for row in rows} == {"rating_quality"}
    assert all(set(row) == {"benchmark", "case", "figure", "value", "unit", "note"} for row in rows)
    assert all("folds [0]" in row["note"] for row in rows)
    rating_quality.plot(rows, tmp_path / "rmse.png")
    assert (tmp_path / "rmse.png").read_bytes()[:4] == b"\x89PNG"


def test_surprise_peers_score_the_same_test_pairs() -> None:
    pytest.importorskip("surprise")  # the `bench` extra, not `dev`
    from bench.peers import surprise_rating_scores

    train = pl.DataFrame(
        {
            "user_id": [u for u in range(1, 21) for _ in range(5)],
            "movie_id": [(u * 7 + m) % 15 + 1 for u in range(1, 21) for m in range(5)],
            "rating": [float((u + m) % 5 + 1) for u in range(1, 21) for m in range(5)],
        }
    ).unique(["user_id", "movie_id"])
    test = train.head(10)
    scores = surprise_rating_scores(train, test, seed=0)
    assert [score["algorithm"] for score in scores] == [
        "surprise BaselineOnly",
        "surprise KNNBasic",
        "surprise KNNWithMeans",
        "surprise KNNBaseline item pearson_baseline",
        "surprise KNNBaseline user (defaults)",
        "surprise SVD",
    ]
    for score in scores:
        assert math.isfinite(score["rmse"]) and 0 <= score["mae"] <= score["rmse"] < 4
        assert score["fit_seconds"] >= 0 and score["predict_seconds"] >= 0
