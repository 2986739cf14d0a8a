"""K-means taste clusters: choose k by silhouette, fit, and name each cluster by its genres.

Pure: numpy/polars in, numpy/polars out, no I/O. Seeds are explicit (sklearn's KMeans defaults
to random_state=None, which changes the clusters on every run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from pipeline.errors import InvalidInput

# Silhouette is quadratic in the number of users; above this it is estimated on a seeded sample.
SILHOUETTE_SAMPLE_SIZE = 4000
MAX_LABEL_GENRES = 2
MAX_TOP_GENRES = 3

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ClusteringConfig:
    """k-means settings; k=None picks the k in k_range with the best silhouette."""

    k: int | None = None
    k_range: tuple[int, int] = (2, 12)  # inclusive
    random_state: int = 0
    n_init: int = 10
    svd_components: int = 10  # TruncatedSVD dimensions added to the genre features (0 = none)

    def __post_init__(self) -> None:
        low, high = self.k_range
        if low < 2 or high < low:
            raise InvalidInput(f"k range must satisfy 2 <= k-min <= k-max, got {low}..{high}.")
        if self.k is not None and self.k < 2:
            raise InvalidInput(f"k must be at least 2, got {self.k}.")
        if self.n_init < 1:
            raise InvalidInput(f"n_init must be at least 1, got {self.n_init}.")
        if self.svd_components < 0:
            raise InvalidInput(f"svd_components must be >= 0, got {self.svd_components}.")

    def candidate_ks(self, count_users: int) -> list[int]:
        """The ks to try; silhouette needs 2 <= k <= users - 1."""
        wanted = (
            [self.k] if self.k is not None else list(range(self.k_range[0], self.k_range[1] + 1))
        )
        usable = [k for k in wanted if 2 <= k <= count_users - 1]
        if not usable:
            raise InvalidInput(
                f"cannot form {wanted[0]}..{wanted[-1]} clusters from {count_users} users.",
                hint="pass a smaller --k or load more users.",
            )
        return usable


@dataclass(frozen=True)
class ClusteringResult:
    k: int
    labels: np.ndarray  # cluster id per row of the feature matrix
    distances: np.ndarray  # euclidean distance of each row to its centroid
    centroids: np.ndarray  # shape (k, features)
    k_scores: pl.DataFrame  # k, silhouette, inertia, is_chosen


def fit_clusters(
    values: np.ndarray, config: ClusteringConfig, progress: Progress | None = None
) -> ClusteringResult:
    """Fit k-means for every candidate k, keep the one with the highest silhouette."""
    scores = []
    best: tuple[float, int, KMeans] | None = None
    for k in config.candidate_ks(len(values)):
        if progress:
            progress(f"k-means with k={k}")
        model = KMeans(n_clusters=k, random_state=config.random_state, n_init=config.n_init)
        labels = model.fit_predict(values)
        silhouette = _silhouette(values, labels, config.random_state)
        scores.append((k, silhouette, float(model.inertia_)))
        if best is None or silhouette > best[0]:
            best = (silhouette, k, model)
    assert best is not None
    _, chosen_k, model = best
    labels = model.labels_.astype(np.int32)
    distances = np.linalg.norm(values - model.cluster_centers_[labels], axis=1)
    k_scores = pl.DataFrame(
        scores,
        schema={"k": pl.Int32, "silhouette": pl.Float64, "inertia": pl.Float64},
        orient="row",
    ).with_columns((pl.col("k") == chosen_k).alias("is_chosen"))
    return ClusteringResult(chosen_k, labels, distances, model.cluster_centers_, k_scores)


def _silhouette(values: np.ndarray, labels: np.ndarray, random_state: int) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0  # k-means collapsed (duplicate points): worst possible score
    sample = SILHOUETTE_SAMPLE_SIZE if len(values) > SILHOUETTE_SAMPLE_SIZE else None
    return float(silhouette_score(values, labels, sample_size=sample, random_state=random_state))


def label_clusters(assignments: pl.DataFrame, genre_shares: pl.DataFrame) -> pl.DataFrame:
    """cluster_id, label, top_genres, count_users from user_id/cluster_id and user genre shares.

    A genre is over-represented in a cluster when the cluster's mean share of ratings in it is
    above the all-user mean; genres are ordered by that excess in all-user standard deviations
    (so a rare genre needs a real difference, not a lucky ratio). Labels are made unique.
    """
    overall = genre_shares.group_by("genre").agg(
        pl.col("share").mean().alias("overall_mean"), pl.col("share").std().alias("overall_std")
    )
    excess = (
        genre_shares.join(assignments, on="user_id", how="inner")
        .group_by("cluster_id", "genre")
        .agg(pl.col("share").mean().alias("cluster_mean"))
        .join(overall, on="genre")
        .with_columns(
            ((pl.col("cluster_mean") - pl.col("overall_mean")) / pl.col("overall_std"))
            .fill_nan(None)
            .alias("excess")
        )
        .filter(pl.col("excess") > 0)
        .sort(["cluster_id", "excess", "genre"], descending=[False, True, False])
    )
    sizes = assignments.group_by("cluster_id").agg(pl.len().cast(pl.Int32).alias("count_users"))
    rows = []
    used: set[str] = set()
    for cluster_id, count_users in sizes.sort("cluster_id").iter_rows():
        genres = excess.filter(pl.col("cluster_id") == cluster_id)["genre"].to_list()
        top = genres[:MAX_TOP_GENRES]
        label = _unique_label(genres, used, cluster_id)
        used.add(label)
        rows.append((cluster_id, label, top, count_users))
    return pl.DataFrame(
        rows,
        schema={
            "cluster_id": pl.Int32,
            "label": pl.String,
            "top_genres": pl.List(pl.String),
            "count_users": pl.Int32,
        },
        orient="row",
    )


def _unique_label(genres: list[str], used: set[str], cluster_id: int) -> str:
    """'action and sci-fi fans'; add the next genre (then the cluster number) if already taken."""
    for count in range(MAX_LABEL_GENRES, max(len(genres), MAX_LABEL_GENRES) + 1):
        label = genre_label(genres[:count])
        if label not in used:
            return label
    return f"{genre_label(genres[:MAX_LABEL_GENRES])} (cluster {cluster_id})"


def genre_label(genres: list[str]) -> str:
    if not genres:
        return "broad-taste viewers"
    names = [genre.lower() for genre in genres]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} fans"
