"""k-means on planted taste groups: exact separation, determinism, labels, k selection."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from cluster_data import ACTION_FANS, MOVIES, ROMANCE_FANS, planted_ratings
from sklearn.metrics import adjusted_rand_score

from pipeline import clustering, features
from pipeline.errors import InvalidInput


def planted_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    ratings = pl.DataFrame(
        [row[:3] for row in planted_ratings()],
        schema={"user_id": pl.Int32, "movie_id": pl.Int32, "rating": pl.Float64},
        orient="row",
    )
    movie_genres = pl.DataFrame(
        [(movie_id, genre) for movie_id, _, genres in MOVIES for genre in genres.split("|")],
        schema={"movie_id": pl.Int32, "genre": pl.String},
        orient="row",
    )
    return ratings, movie_genres


def planted_truth(user_ids: np.ndarray) -> list[int]:
    return [0 if user_id in ACTION_FANS else 1 for user_id in user_ids]


@pytest.mark.parametrize("svd_components", [0, 5])
def test_planted_groups_are_separated_exactly(svd_components: int) -> None:
    ratings, movie_genres = planted_frames()
    matrix = features.user_feature_matrix(ratings, movie_genres, svd_components, random_state=0)
    result = clustering.fit_clusters(matrix.values, clustering.ClusteringConfig(k=2))
    assert adjusted_rand_score(planted_truth(matrix.user_ids), result.labels) == 1.0


def test_silhouette_chooses_the_planted_k_and_records_every_k() -> None:
    ratings, movie_genres = planted_frames()
    matrix = features.user_feature_matrix(ratings, movie_genres, 0)
    result = clustering.fit_clusters(matrix.values, clustering.ClusteringConfig(k_range=(2, 5)))
    assert result.k == 2
    assert result.k_scores["k"].to_list() == [2, 3, 4, 5]
    assert result.k_scores.filter(pl.col("is_chosen"))["k"].to_list() == [2]
    best = result.k_scores.sort("silhouette", descending=True)["k"][0]
    assert best == 2
    # Inertia can only fall as k grows on these well-separated groups.
    inertia = result.k_scores["inertia"].to_list()
    assert inertia == sorted(inertia, reverse=True)


def test_same_seed_same_labels_and_distances() -> None:
    ratings, movie_genres = planted_frames()
    matrix = features.user_feature_matrix(ratings, movie_genres, 5, random_state=3)
    config = clustering.ClusteringConfig(k=3, random_state=3, n_init=4)
    first = clustering.fit_clusters(matrix.values, config)
    second = clustering.fit_clusters(matrix.values, config)
    assert np.array_equal(first.labels, second.labels)
    assert np.allclose(first.distances, second.distances)


def test_distances_are_to_the_own_centroid() -> None:
    ratings, movie_genres = planted_frames()
    matrix = features.user_feature_matrix(ratings, movie_genres, 0)
    result = clustering.fit_clusters(matrix.values, clustering.ClusteringConfig(k=2))
    expected = np.linalg.norm(matrix.values - result.centroids[result.labels], axis=1)
    assert np.allclose(result.distances, expected)


def test_labels_name_the_over_represented_genres() -> None:
    ratings, movie_genres = planted_frames()
    matrix = features.user_feature_matrix(ratings, movie_genres, 0)
    result = clustering.fit_clusters(matrix.values, clustering.ClusteringConfig(k=2))
    assignments = pl.DataFrame(
        {"user_id": matrix.user_ids, "cluster_id": result.labels.astype(np.int32)}
    )
    labels = clustering.label_clusters(assignments, matrix.genre_shares)
    action_cluster = int(result.labels[list(matrix.user_ids).index(ACTION_FANS[0])])
    romance_cluster = int(result.labels[list(matrix.user_ids).index(ROMANCE_FANS[0])])
    by_cluster = {row["cluster_id"]: row for row in labels.to_dicts()}
    assert by_cluster[action_cluster]["label"] == "action and sci-fi fans"
    assert set(by_cluster[action_cluster]["top_genres"]) == {"Action", "Sci-Fi"}
    assert by_cluster[romance_cluster]["label"] == "drama and romance fans"
    assert by_cluster[action_cluster]["count_users"] == len(ACTION_FANS)


def test_genre_features_by_hand() -> None:
    ratings = pl.DataFrame({"user_id": [1, 1, 1], "movie_id": [1, 2, 3], "rating": [5.0, 3.0, 1.0]})
    movie_genres = pl.DataFrame(
        {"movie_id": [1, 2, 3, 3], "genre": ["Action", "Drama", "Drama", "Action"]}
    )
    row = features.genre_features(ratings, movie_genres).row(0, named=True)
    # user mean 3: centred ratings +2, 0, -2
    assert row["share_Action"] == pytest.approx(2 / 3)
    assert row["share_Drama"] == pytest.approx(2 / 3)
    assert row["centred_Action"] == pytest.approx(0.0)  # (+2 - 2) / 2
    assert row["centred_Drama"] == pytest.approx(-1.0)  # (0 - 2) / 2
    assert row["log_count_ratings"] == pytest.approx(np.log1p(3))


def test_label_wording() -> None:
    assert clustering.genre_label(["Action", "Sci-Fi"]) == "action and sci-fi fans"
    assert clustering.genre_label(["Drama"]) == "drama fans"
    assert clustering.genre_label([]) == "broad-taste viewers"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 1}, "k must be at least 2"),
        ({"k_range": (1, 4)}, "k range"),
        ({"k_range": (5, 3)}, "k range"),
        ({"n_init": 0}, "n_init"),
    ],
)
def test_bad_config_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        clustering.ClusteringConfig(**kwargs)  # type: ignore[arg-type]


def test_too_few_users_for_k() -> None:
    with pytest.raises(InvalidInput, match="cannot form 5..5 clusters from 3 users"):
        clustering.fit_clusters(np.eye(3), clustering.ClusteringConfig(k=5))
