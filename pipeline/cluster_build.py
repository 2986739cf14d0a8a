"""Write the cluster and demographic-group tables (marts.user_clusters, ... ) into a warehouse.

`build_all` is what `watchit cluster` runs inside `warehouse.rebuild`: features -> k-means ->
tables, then the popular-movie rankings of the clusters and of the demographic groups, all
ranked in SQL (sql/queries/group_popular_movies.sql). The cold-start evaluation reuses
`build_demographic_tables` on its scratch copy.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline import clustering, features, sqlfiles, warehouse
from pipeline.errors import InvalidInput

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

CLUSTER_TABLES = (
    "marts.user_clusters",
    "marts.clusters",
    "marts.cluster_k_scores",
    "marts.cluster_popular_movies",
    "marts.demographic_groups",
    "marts.demographic_popular_movies",
)


@dataclass(frozen=True)
class PopularityConfig:
    """How popular movies are ranked in a cluster or demographic group (see the query files)."""

    prior_weight: float = 10.0  # pseudo-members at the global like share / mean rating
    min_ratings: int = 5  # a movie needs this many ratings within the group to be listed
    top_n: int = 200  # movies kept per group (heavy raters have seen many of them)
    min_members: int = 20  # a demographic group smaller than this backs off to a broader one

    def __post_init__(self) -> None:
        if self.prior_weight < 0:
            raise InvalidInput(f"prior_weight must be >= 0, got {self.prior_weight}.")
        for name in ("min_ratings", "top_n", "min_members"):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1, got {getattr(self, name)}.")

    def as_parameters(self) -> dict[str, float]:
        return {
            f"popularity_{field.name}": float(getattr(self, field.name))
            for field in dataclasses.fields(self)
        }


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the cluster tables if a warehouse predates them (their DDL is create-if-not-exists)."""
    con.execute("create schema if not exists marts")
    for sql_object in sqlfiles.ordered_objects(("marts",)):
        if sql_object.qualified_name in CLUSTER_TABLES:
            con.execute(sql_object.text)


def build_all(
    con: duckdb.DuckDBPyConnection,
    config: clustering.ClusteringConfig,
    popularity: PopularityConfig = PopularityConfig(),
    progress: Progress | None = None,
) -> clustering.ClusteringResult:
    """Cluster the users and fill every table of CLUSTER_TABLES."""
    report = progress or (lambda message: log.info("%s", message))
    warehouse.require_objects(con, "staging.stg_ratings", "staging.stg_users", step="load")
    ensure_tables(con)
    report("building user features")
    ratings, movie_genres = features.load_inputs(con)
    if ratings.is_empty():
        raise InvalidInput("the warehouse has no ratings to cluster.", hint="run `watchit load`.")
    matrix = features.user_feature_matrix(
        ratings, movie_genres, config.svd_components, config.random_state
    )
    result = clustering.fit_clusters(matrix.values, config, progress=report)
    report(f"writing {result.k} clusters")
    write_cluster_tables(con, matrix, result)
    report("ranking popular movies per cluster")
    fill_group_popular_movies(
        con, "marts.cluster_popular_movies", "cluster_id", "cluster_popularity_members", popularity
    )
    report("building demographic groups")
    build_demographic_tables(con, popularity)
    return result


def write_cluster_tables(
    con: duckdb.DuckDBPyConnection,
    matrix: features.FeatureMatrix,
    result: clustering.ClusteringResult,
) -> None:
    assignments = pl.DataFrame(
        {"user_id": matrix.user_ids, "cluster_id": result.labels}
    ).with_columns(pl.col("user_id").cast(pl.Int32), pl.col("cluster_id").cast(pl.Int32))
    labels = clustering.label_clusters(assignments, matrix.genre_shares)
    for table in ("marts.user_clusters", "marts.clusters", "marts.cluster_k_scores"):
        con.execute(f"delete from {table}")
    con.executemany(
        "insert into marts.user_clusters (user_id, cluster_id, distance) values (?, ?, ?)",
        [
            [int(user_id), int(cluster_id), float(distance)]
            for user_id, cluster_id, distance in zip(
                matrix.user_ids, result.labels, result.distances, strict=True
            )
        ],
    )
    con.executemany(
        "insert into marts.clusters "
        "(cluster_id, label, top_genres, feature_names, count_users, centroid) "
        "values (?, ?, ?, ?, ?, ?)",
        [
            [
                cluster_id,
                label,
                top_genres,
                list(matrix.names),
                count_users,
                [float(value) for value in result.centroids[cluster_id]],
            ]
            for cluster_id, label, top_genres, count_users in labels.iter_rows()
        ],
    )
    con.executemany(
        "insert into marts.cluster_k_scores (k, silhouette, inertia, is_chosen) "
        "values (?, ?, ?, ?)",
        [list(row) for row in result.k_scores.iter_rows()],
    )


def build_demographic_tables(
    con: duckdb.DuckDBPyConnection, popularity: PopularityConfig = PopularityConfig()
) -> None:
    ensure_tables(con)
    fill_from_query(con, "marts.demographic_groups", "demographic_groups", popularity)
    fill_group_popular_movies(
        con,
        "marts.demographic_popular_movies",
        "group_id",
        "demographic_popularity_members",
        popularity,
    )


def fill_group_popular_movies(
    con: duckdb.DuckDBPyConnection,
    table: str,
    group_column: str,
    members_query: str,
    popularity: PopularityConfig,
) -> None:
    """Replace `table` by each group's popular movies; the groups come from `members_query`.

    Clusters and demographic groups share one ranking (sql/queries/group_popular_movies.sql).
    """
    con.execute(
        "create or replace temp table popularity_group_members as " + sqlfiles.query(members_query)
    )
    fill_from_query(
        con,
        table,
        "group_popular_movies",
        popularity,
        select=f"select group_id as {group_column}, * exclude (group_id)",
    )
    con.execute("drop table popularity_group_members")


def fill_from_query(
    con: duckdb.DuckDBPyConnection,
    table: str,
    query_name: str,
    popularity: PopularityConfig,
    select: str = "select *",
) -> None:
    """Replace the rows of `table` by `select` over the result of sql/queries/<query_name>.sql."""
    text = sqlfiles.query(query_name)
    names = {
        "prior_weight": popularity.prior_weight,
        "min_ratings": popularity.min_ratings,
        "top_n": popularity.top_n,
        "min_members": popularity.min_members,
    }
    used = {name: value for name, value in names.items() if f"${name}" in text}
    con.execute(f"delete from {table}")
    con.execute(f"insert into {table} by name {select} from ({text})", used)
