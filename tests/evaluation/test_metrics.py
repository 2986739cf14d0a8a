"""Metric functions: hand-computed known answers and agreement with scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    mean_absolute_error,
    mean_squared_error,
    ndcg_score,
)

from pipeline import metrics

RANKED = [10, 20, 30, 40, 50]
RELEVANT = {20, 50, 99}  # 99 was never recommended


def test_known_answers_at_5() -> None:
    # Hits at ranks 2 and 5, three relevant movies in all.
    assert metrics.precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 5)
    assert metrics.recall_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)
    assert metrics.hit_rate_at_k(RANKED, RELEVANT, 5) == 1.0
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(dcg / idcg)
    assert metrics.ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(0.477624, abs=1e-6)
    # AP@5 = (P@2 + P@5) / min(3, 5) = (0.5 + 0.4) / 3
    assert metrics.average_precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(0.3)


def test_known_answers_at_2_normalise_by_min_relevant_k() -> None:
    assert metrics.precision_at_k(RANKED, RELEVANT, 2) == pytest.approx(0.5)
    assert metrics.recall_at_k(RANKED, RELEVANT, 2) == pytest.approx(1 / 3)
    assert metrics.ndcg_at_k(RANKED, RELEVANT, 2) == pytest.approx(
        (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    )
    # One hit (rank 2, P@2 = 0.5) divided by min(3 relevant, k=2) = 2.
    assert metrics.average_precision_at_k(RANKED, RELEVANT, 2) == pytest.approx(0.25)
    assert metrics.hit_rate_at_k(RANKED, {30}, 2) == 0.0


def test_perfect_and_empty_lists() -> None:
    assert metrics.ndcg_at_k([1, 2], {1, 2}, 10) == pytest.approx(1.0)
    assert metrics.average_precision_at_k([1, 2, 3], {1, 2, 3, 4, 5}, 3) == pytest.approx(1.0)
    assert metrics.precision_at_k([], {1}, 10) == 0.0
    assert metrics.precision_at_k([1], {1}, 10) == pytest.approx(0.1)  # short lists divide by k
    with pytest.raises(ValueError, match="undefined"):
        metrics.recall_at_k([1], set(), 10)


def test_top_n_scores_skip_users_without_relevant_movies() -> None:
    scores = metrics.top_n_scores(
        {1: [10, 20], 2: [30, 40], 3: [50]}, {1: {20}, 2: set(), 3: {60}}, k=2
    )
    assert scores.count_users == 2
    assert scores.precision == pytest.approx((0.5 + 0.0) / 2)
    assert scores.recall == pytest.approx((1.0 + 0.0) / 2)
    assert scores.hit_rate == pytest.approx(0.5)
    assert scores.map == pytest.approx((0.5 + 0.0) / 2)


def test_coverage_and_novelty_known_answers() -> None:
    lists = [[1, 2], [2, 3]]
    assert metrics.catalogue_coverage(lists, 10) == pytest.approx(0.3)
    raters = {1: 50, 2: 25, 3: 0}  # movie 3 counts as one rater
    expected = (-math.log2(0.5) - 2 * math.log2(0.25) - math.log2(1 / 100)) / 4
    assert metrics.novelty(lists, raters, 100) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(20))
def test_rating_errors_match_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    actual = rng.integers(1, 6, 50).astype(float)
    predicted = np.clip(actual + rng.normal(0, 1, 50), 1, 5)
    assert metrics.rmse(actual, predicted) == pytest.approx(
        math.sqrt(mean_squared_error(actual, predicted)), rel=1e-12
    )
    assert metrics.mae(actual, predicted) == pytest.approx(
        mean_absolute_error(actual, predicted), rel=1e-12
    )


@pytest.mark.parametrize("seed", range(30))
def test_ranking_metrics_match_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    count_items = int(rng.integers(5, 40))
    ranked = [int(item) for item in rng.permutation(count_items)]
    relevant = {
        int(item)
        for item in rng.choice(count_items, int(rng.integers(1, count_items)), replace=False)
    }
    # Scores that reproduce the ranking: the first item gets the highest score.
    scores = np.zeros(count_items)
    scores[ranked] = np.arange(count_items, 0, -1)
    truth = np.array([item in relevant for item in range(count_items)], dtype=float)
    k = int(rng.integers(1, count_items + 1))
    assert metrics.ndcg_at_k(ranked, relevant, k) == pytest.approx(
        ndcg_score([truth], [scores], k=k), rel=1e-12
    )
    # With the whole ranking, AP normalised by min(|relevant|, n) = |relevant| is sklearn's AP.
    assert metrics.average_precision_at_k(ranked, relevant, count_items) == pytest.approx(
        average_precision_score(truth, scores), rel=1e-12
    )


def test_rating_errors_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="equally long"):
        metrics.rmse([1, 2], [1])
    with pytest.raises(ValueError, match="NaN"):
        metrics.mae([1.0], [float("nan")])
