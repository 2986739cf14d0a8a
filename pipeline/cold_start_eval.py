"""Cold-start evaluation on a user-level holdout: demographic groups vs global popularity, and
how many onboarding ratings item-based CF needs before it beats the demographic list.

No leakage: a scratch copy of the warehouse is made, the held-out users (the seeded share of all
users in the stored cold-start split) are deleted from its raw tables, and everything the recommendations read
(demographic groups and their popular movies, global popularity, the co-like counts of the
onboarding CF, which are computed from staging.stg_ratings on the fly) comes from that copy. Only the held-out users' demographics are used
to recommend; their real ratings >= 4 are the relevant items.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from pipeline import cluster_build, cold_start, signup, splits, warehouse
from pipeline.errors import InvalidInput

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
ONBOARDING_STEPS = (0, 1, 2, 3, 5, 10, 20)


@dataclass(frozen=True)
class ColdStartConfig:
    seed: int = 0
    user_fraction: float = 0.1
    k: int = 10  # nDCG cut-off
    relevance_threshold: int = 4
    onboarding_steps: tuple[int, ...] = ONBOARDING_STEPS
    popularity: cluster_build.PopularityConfig = cluster_build.PopularityConfig()

    def __post_init__(self) -> None:
        if not 0 < self.user_fraction < 1:
            raise InvalidInput(f"user_fraction must be in (0, 1), got {self.user_fraction}.")


def ndcg_at_k(recommended: Sequence[int], relevant: set[int], k: int) -> float:
    """Binary-relevance nDCG@k: DCG of the list / DCG of a perfect list of the relevant items."""
    gains = sum(
        1 / math.log2(position + 2)
        for position, movie_id in enumerate(recommended[:k])
        if movie_id in relevant
    )
    ideal = sum(1 / math.log2(position + 2) for position in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def evaluate_cold_start(
    source: Path | str | duckdb.DuckDBPyConnection,
    seed: int = 0,
    *,
    config: ColdStartConfig | None = None,
    plot_path: Path | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Rows (method, metric, value, count_users, onboarding_ratings) for the bench tables.

    methods: demographic, global_popularity (most-rated movies), and for the onboarding curve
    onboarding_demographic / onboarding_item_cf / onboarding_signup (the switch signup uses)
    with metric ndcg_at_10_after_<m>_ratings; plus onboarding, ratings_until_cf_wins.
    """
    config = config or ColdStartConfig(seed=seed)
    report = progress or (lambda message: log.info("%s", message))
    source_path = _database_path(source)
    with tempfile.TemporaryDirectory(prefix="watchit-cold-start-") as folder:
        scratch = Path(folder) / "scratch.duckdb"
        shutil.copy2(source_path, scratch)
        con = warehouse.connect(scratch, read_only=False)
        try:
            report("cold-start: removing held-out users from a scratch warehouse")
            held_out, profiles, ratings = _hold_out_users(con, config)
            report("cold-start: rebuilding the demographic groups without them")
            cluster_build.build_demographic_tables(con, config.popularity)
            report(f"cold-start: recommending for {len(held_out)} held-out users")
            rows = _score_methods(con, config, profiles, ratings)
        finally:
            con.close()
    frame = pl.DataFrame(
        rows,
        schema={
            "method": pl.String,
            "metric": pl.String,
            "value": pl.Float64,
            "count_users": pl.Int64,
            "onboarding_ratings": pl.Int64,
        },
        orient="row",
    ).with_columns(pl.lit(config.seed).alias("seed"))
    if plot_path is not None:
        write_onboarding_plot(frame, Path(plot_path))
    return frame


def _database_path(source: Path | str | duckdb.DuckDBPyConnection) -> Path:
    if isinstance(source, duckdb.DuckDBPyConnection):
        ((path,),) = source.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchall()
        if not path:
            raise InvalidInput("the cold-start evaluation needs a warehouse file, not :memory:.")
        return Path(path)
    path = Path(source)
    warehouse.connect(path, read_only=True).close()  # clear error when missing or locked
    return path


def _hold_out_users(
    con: duckdb.DuckDBPyConnection, config: ColdStartConfig
) -> tuple[list[int], dict[int, cold_start.Profile], pl.DataFrame]:
    warehouse.require_objects(con, "staging.stg_ratings", "staging.stg_users", step="load")
    # The users come from the stored SQL split (eval_split_cold_start.sql), the same one
    # `watchit evaluate` stores in the warehouse, so the evaluated users can be looked up there.
    split = splits.SplitConfig(
        "cold-start", seed=config.seed, holdout_user_fraction=config.user_fraction
    )
    splits.make_split(con, split)
    held_out = sorted(splits.split_ratings(con, split, 0, "test")["user_id"].unique().to_list())
    profile_rows = con.execute(
        "select users.user_id, users.gender, users.occupation, users.zip_code, "
        "users.zip_region, users.age_years, users.age_bucket_code, buckets.age_bucket, "
        "buckets.min_age from staging.stg_users as users "
        "inner join staging.stg_age_buckets as buckets using (age_bucket_code) "
        "where list_contains($ids, users.user_id)",
        {"ids": held_out},
    ).fetchall()
    profiles = {
        row[0]: cold_start.Profile(
            age_years=row[5] if row[5] is not None else row[8],
            age_bucket_code=row[6],
            age_bucket=row[7],
            gender=row[1],
            occupation=row[2],
            zip_code=row[3],
            zip_region=row[4],
        )
        for row in profile_rows
    }
    frame = pl.from_arrow(
        con.sql(
            "select user_id, movie_id, rating, rated_at from staging.stg_ratings "
            "where list_contains($ids, user_id) order by user_id, rated_at, movie_id",
            params={"ids": held_out},
        ).to_arrow_table()
    )
    assert isinstance(frame, pl.DataFrame)
    # Everything the groups and models are built from loses these users.
    for table in ("raw.ratings", "raw.users_ml100k", "raw.users_ml1m"):
        con.execute(f"delete from {table} where list_contains($ids, user_id)", {"ids": held_out})
    return held_out, profiles, frame


def _score_methods(
    con: duckdb.DuckDBPyConnection,
    config: ColdStartConfig,
    profiles: dict[int, cold_start.Profile],
    ratings: pl.DataFrame,
) -> list[tuple[str, str, float | None, int, int | None]]:
    k = config.k
    metric = f"ndcg_at_{k}"
    most_rated = [
        movie_id
        for (movie_id,) in con.execute(
            "select movie_id from staging.stg_ratings group by movie_id "
            "order by count(*) desc, movie_id limit ?",
            [k + max(config.onboarding_steps)],
        ).fetchall()
    ]
    per_user = {
        user_id: group.sort("rated_at", "movie_id")
        for (user_id,), group in ratings.group_by("user_id")
    }
    rows: list[tuple[str, str, float | None, int, int | None]] = []

    # 1. No ratings at all: demographic groups against global popularity, same users.
    scores: dict[str, list[float]] = {"demographic": [], "global_popularity": []}
    for user_id, profile in sorted(profiles.items()):
        history = per_user.get(user_id)
        relevant = _relevant(history, config)
        if not relevant:
            continue
        demographic = cold_start.demographic_list(con, profile, (), k)["movie_id"].to_list()
        scores["demographic"].append(ndcg_at_k(demographic, relevant, k))
        scores["global_popularity"].append(ndcg_at_k(most_rated, relevant, k))
    for method, values in scores.items():
        rows.append((method, metric, float(np.mean(values)) if values else None, len(values), 0))

    # 2. Onboarding: reveal each user's first m ratings (time order), score on the rest.
    largest = max(config.onboarding_steps)
    curve: dict[tuple[str, int], list[float]] = {}
    for user_id, profile in sorted(profiles.items()):
        history = per_user.get(user_id)
        if history is None or history.height <= largest:
            continue
        if not _relevant(history.slice(largest), config):
            continue  # same users at every m: each has something relevant left after the last m
        group_list = cold_start.demographic_list(con, profile, (), k + largest)[
            "movie_id"
        ].to_list()
        for m in config.onboarding_steps:
            revealed = dict(
                zip(
                    history["movie_id"].head(m).to_list(),
                    history["rating"].head(m).cast(pl.Int64).to_list(),
                    strict=True,
                )
            )
            relevant = _relevant(history.slice(m), config)
            demographic = [movie_id for movie_id in group_list if movie_id not in revealed]
            lists = {
                "onboarding_demographic": demographic[:k],
                "onboarding_signup": signup.recommend_for_new_user(con, profile, revealed, k)[
                    "movie_id"
                ].to_list(),
            }
            if m >= signup.MIN_RATINGS_FOR_CF:
                lists["onboarding_item_cf"] = lists["onboarding_signup"]  # signup switched to CF
            elif m > 0:
                lists["onboarding_item_cf"] = signup.recommend_for_new_user(
                    con, profile, revealed, k, min_ratings_for_cf=1
                )["movie_id"].to_list()
            popular = [movie_id for movie_id in most_rated if movie_id not in revealed][:k]
            curve.setdefault(("onboarding_global_popularity", m), []).append(
                ndcg_at_k(popular, relevant, k)
            )
            for method, recommended in lists.items():
                curve.setdefault((method, m), []).append(ndcg_at_k(recommended, relevant, k))
    for (method, m), values in sorted(curve.items()):
        rows.append((method, f"{metric}_after_{m}_ratings", float(np.mean(values)), len(values), m))
    wins = [
        m
        for m in config.onboarding_steps
        if m > 0
        and ("onboarding_item_cf", m) in curve
        and np.mean(curve[("onboarding_item_cf", m)])
        > np.mean(curve[("onboarding_demographic", m)])
    ]
    count_curve_users = len(curve.get(("onboarding_demographic", 0), []))
    rows.append(
        (
            "onboarding",
            "ratings_until_cf_wins",
            float(wins[0]) if wins else None,
            count_curve_users,
            None,
        )
    )
    return rows


def _relevant(history: pl.DataFrame | None, config: ColdStartConfig) -> set[int]:
    if history is None:
        return set()
    return set(history.filter(pl.col("rating") >= config.relevance_threshold)["movie_id"].to_list())


def write_onboarding_plot(frame: pl.DataFrame, path: Path) -> None:
    """nDCG@k by number of onboarding ratings, one line per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = frame.filter(pl.col("method").str.starts_with("onboarding_")).sort(
        "method", "onboarding_ratings"
    )
    figure, axes = plt.subplots(figsize=(8, 5))
    for (method,), group in curve.group_by("method", maintain_order=True):
        axes.plot(
            group["onboarding_ratings"].to_list(),
            group["value"].to_list(),
            marker="o",
            label=str(method).removeprefix("onboarding_").replace("_", " "),
        )
    most_users = curve["count_users"].max()  # an int, or None without rows
    count_users = most_users if isinstance(most_users, int) else 0
    axes.set_xscale("symlog", linthresh=1)
    axes.set_xticks(list(ONBOARDING_STEPS), [str(step) for step in ONBOARDING_STEPS])
    axes.set_xlabel("onboarding ratings revealed (first ones in time order)")
    axes.set_ylabel("nDCG@10 on the remaining ratings >= 4")
    axes.set_title(f"Cold start: held-out users ({count_users}), demographic vs item CF")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
