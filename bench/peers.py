"""scikit-surprise peers for rating prediction, fitted on exactly the ratings WatchIt trains on.

Surprise's published ML-100K table uses each algorithm's default parameters; so do we, except
that KNNBaseline is run twice: item-based with pearson_baseline similarity (the strongest k-NN
setting, named in issue 3) and with its defaults (user-based, MSD), as published.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl


def _algorithms(seed: int) -> dict[str, object]:
    from surprise import SVD, BaselineOnly, KNNBaseline, KNNBasic, KNNWithMeans

    return {
        "surprise BaselineOnly": BaselineOnly(verbose=False),
        "surprise KNNBasic": KNNBasic(verbose=False),
        "surprise KNNWithMeans": KNNWithMeans(verbose=False),
        "surprise KNNBaseline item pearson_baseline": KNNBaseline(
            sim_options={"name": "pearson_baseline", "user_based": False}, verbose=False
        ),
        "surprise KNNBaseline user (defaults)": KNNBaseline(verbose=False),
        "surprise SVD": SVD(random_state=seed),
    }


def surprise_rating_scores(train: pl.DataFrame, test: pl.DataFrame, seed: int) -> list[dict]:
    """Fit each peer on `train` (user_id, movie_id, rating) and score it on `test`.

    Returns one dict per algorithm: algorithm, rmse, mae, fit_seconds, predict_seconds.
    Predictions of unknown users/items are Surprise's own fallback (its global mean or
    baseline), as in its published table.
    """
    from surprise import Dataset, Reader
    from surprise.model_selection import PredefinedKFold

    columns = ["user_id", "movie_id", "rating"]
    with tempfile.TemporaryDirectory(prefix="watchit-peers-") as folder:
        # Files, because Surprise's DataFrame loader needs pandas, which WatchIt does not use.
        train_path, test_path = Path(folder) / "train.tsv", Path(folder) / "test.tsv"
        train.select(columns).write_csv(train_path, separator="\t", include_header=False)
        test.select(columns).write_csv(test_path, separator="\t", include_header=False)
        reader = Reader(line_format="user item rating", sep="\t", rating_scale=(1, 5))
        data = Dataset.load_from_folds([(str(train_path), str(test_path))], reader)
        trainset, testset = next(PredefinedKFold().split(data))
    truth = np.array([rating for _, _, rating in testset], dtype=float)
    scores = []
    for name, algorithm in _algorithms(seed).items():
        started = time.perf_counter()
        algorithm.fit(trainset)
        fitted = time.perf_counter()
        predicted = np.array([prediction.est for prediction in algorithm.test(testset)])
        done = time.perf_counter()
        scores.append(
            {
                "algorithm": name,
                "rmse": float(np.sqrt(np.mean((predicted - truth) ** 2))),
                "mae": float(np.mean(np.abs(predicted - truth))),
                "fit_seconds": fitted - started,
                "predict_seconds": done - fitted,
            }
        )
    return scores
