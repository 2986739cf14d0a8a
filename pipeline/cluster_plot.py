"""PNG of the taste clusters: users on a 2-D PCA map coloured by cluster, and k-selection scores."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from pipeline import clustering, features  # noqa: E402


def last_cluster_config(con: duckdb.DuckDBPyConnection) -> clustering.ClusteringConfig:
    """The feature settings of the last `watchit cluster` (meta.build_info), for the same map."""
    rows = con.execute(
        "select parameters from meta.build_info where step = 'cluster' "
        "order by built_at desc limit 1"
    ).fetchall()
    parameters = json.loads(rows[0][0]) if rows and rows[0][0] else {}
    defaults = clustering.ClusteringConfig()
    return clustering.ClusteringConfig(
        random_state=int(parameters.get("random_state", defaults.random_state)),
        svd_components=int(parameters.get("svd_components", defaults.svd_components)),
    )


def write_cluster_map(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    config = last_cluster_config(con)
    ratings, movie_genres = features.load_inputs(con)
    matrix = features.user_feature_matrix(
        ratings, movie_genres, config.svd_components, config.random_state
    )
    assigned = pl.from_arrow(
        con.sql(
            "select user_clusters.user_id, user_clusters.cluster_id, clusters.label "
            "from marts.user_clusters as user_clusters "
            "inner join marts.clusters as clusters using (cluster_id)"
        ).to_arrow_table()
    )
    assert isinstance(assigned, pl.DataFrame)
    order = pl.DataFrame({"user_id": matrix.user_ids}).with_row_index("row")
    joined = order.join(
        assigned.with_columns(pl.col("user_id").cast(order["user_id"].dtype)), on="user_id"
    )
    points = PCA(n_components=2, random_state=config.random_state).fit_transform(
        matrix.values[joined["row"].to_numpy()]
    )
    scores = con.execute(
        "select k, silhouette, inertia, is_chosen from marts.cluster_k_scores order by k"
    ).fetchall()

    figure, (map_axes, silhouette_axes) = plt.subplots(1, 2, figsize=(14, 6))
    for cluster_id, label in (
        joined.select("cluster_id", "label").unique().sort("cluster_id").rows()
    ):
        mask = (joined["cluster_id"] == cluster_id).to_numpy()
        map_axes.scatter(
            points[mask, 0], points[mask, 1], s=8, alpha=0.7, label=f"{cluster_id}: {label}"
        )
    map_axes.set_title("Users by taste cluster (PCA of the standardised features)")
    map_axes.set_xlabel("principal component 1")
    map_axes.set_ylabel("principal component 2")
    map_axes.legend(fontsize="small", markerscale=2)

    ks = np.array([row[0] for row in scores])
    silhouette_axes.plot(ks, [row[1] for row in scores], marker="o", color="tab:blue")
    silhouette_axes.set_xlabel("k")
    silhouette_axes.set_ylabel("silhouette (higher is better)", color="tab:blue")
    for k, silhouette, _, is_chosen in scores:
        if is_chosen:
            silhouette_axes.scatter([k], [silhouette], s=150, facecolors="none", edgecolors="red")
    inertia_axes = silhouette_axes.twinx()
    inertia_axes.plot(ks, [row[2] for row in scores], marker="s", color="tab:orange")
    inertia_axes.set_ylabel("inertia (lower is tighter)", color="tab:orange")
    silhouette_axes.set_title("Choosing k (chosen k circled)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
