"""Seeded evaluation splits made in SQL and stored in eval.split_assignments, plus training copies.

Three protocols (see sql/eval/split_assignments.sql for the exact rules):
- kfold: Surprise's KFold. Ratings are shuffled by md5(seed:user:movie) and dealt round-robin
  into k folds, so each rating is in the test part of exactly one fold.
- temporal: each user's N latest ratings are test (ties on time: larger movie id is later).
- cold-start: a seeded share of users (md5(seed:user) order) has every rating in test.

Determinism: assignments depend only on md5 of the ids and the seed, never on row order, thread
count or DuckDB's internal hash, so the same ratings and seed give the same split everywhere.

Leakage-free training: `training_copy` copies the warehouse file, deletes the test ratings of one
fold from raw.ratings in the copy and drops every derived schema, so whatever is then built in
the copy (biases, similarities, neighbours, clusters, popularity) cannot see a test rating.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline import sqlfiles, warehouse
from pipeline.errors import InvalidInput, RecommenderError

log = logging.getLogger(__name__)

PROTOCOLS = ("kfold", "temporal", "cold-start")
# Schemas rebuilt from the ratings; a training copy drops them so no stale table survives.
DERIVED_SCHEMAS = ("intermediate", "marts")


class LeakageDetected(RecommenderError):
    """A test rating is still visible to training in a training copy."""


@dataclass(frozen=True)
class SplitConfig:
    """How a split is made. The seed shuffles ratings (kfold) or users (cold-start)."""

    protocol: str = "kfold"
    seed: int = 0
    count_folds: int = 5  # kfold only
    holdout_ratings_per_user: int = 10  # temporal only: the N latest ratings per user
    holdout_user_fraction: float = 0.1  # cold-start only: share of users held out

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise InvalidInput(
                f"unknown split protocol {self.protocol!r}.",
                hint=f"use one of {', '.join(PROTOCOLS)}.",
            )
        if self.protocol == "kfold" and self.count_folds < 2:
            raise InvalidInput(f"kfold needs at least 2 folds, got {self.count_folds}.")
        if self.holdout_ratings_per_user < 1:
            raise InvalidInput(
                f"holdout_ratings_per_user must be >= 1, got {self.holdout_ratings_per_user}."
            )
        if not 0 < self.holdout_user_fraction < 1:
            raise InvalidInput(
                f"holdout_user_fraction must be in (0, 1), got {self.holdout_user_fraction}."
            )

    @property
    def folds(self) -> range:
        return range(self.count_folds if self.protocol == "kfold" else 1)

    @property
    def stored_seed(self) -> int:
        # The temporal split ignores the seed; it is stored under 0 so it is made only once.
        return 0 if self.protocol == "temporal" else self.seed


def ensure_eval_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the eval tables (sql/eval/) if they are missing; existing rows are kept."""
    warehouse.apply_sql_layers(con, ("eval",))


def make_split(con: duckdb.DuckDBPyConnection, config: SplitConfig) -> int:
    """Store the split in eval.split_assignments (replacing the same protocol and seed).

    Runs in one transaction; returns the number of ratings split.
    """
    warehouse.require_objects(con, "staging.stg_ratings", step="load")
    ensure_eval_schema(con)
    query_name, parameters = _split_query(config)
    key = [config.protocol, config.stored_seed]
    con.begin()
    try:
        con.execute(
            "delete from eval.split_assignments where protocol = ? and seed = ?", key
        ).fetchall()
        con.execute("delete from eval.splits where protocol = ? and seed = ?", key).fetchall()
        con.execute(
            "insert into eval.split_assignments (protocol, seed, fold, user_id, movie_id, part) "
            f"select $protocol, $stored_seed, fold, user_id, movie_id, part from ({sqlfiles.query(query_name)})",
            parameters | {"protocol": config.protocol, "stored_seed": config.stored_seed},
        ).fetchall()
        row = con.execute("select count(*) from staging.stg_ratings").fetchall()[0]
        count_ratings = row[0] if row else 0
        con.execute(
            "insert into eval.splits (protocol, seed, count_folds, holdout_ratings_per_user, "
            "holdout_user_fraction, count_ratings, created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [
                *key,
                len(config.folds),
                config.holdout_ratings_per_user if config.protocol == "temporal" else None,
                config.holdout_user_fraction if config.protocol == "cold-start" else None,
                count_ratings,
                dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            ],
        ).fetchall()
        con.commit()
    except BaseException:
        con.rollback()
        raise
    log.info("stored %s split (seed %d) of %d ratings", config.protocol, config.seed, count_ratings)
    return int(count_ratings)


def _split_query(config: SplitConfig) -> tuple[str, dict[str, object]]:
    if config.protocol == "kfold":
        return "eval_split_kfold", {"seed": config.seed, "count_folds": config.count_folds}
    if config.protocol == "temporal":
        return "eval_split_temporal", {"holdout_size": config.holdout_ratings_per_user}
    return "eval_split_cold_start", {
        "seed": config.seed,
        "user_fraction": config.holdout_user_fraction,
    }


def split_ratings(
    con: duckdb.DuckDBPyConnection, config: SplitConfig, fold: int, part: str
) -> pl.DataFrame:
    """user_id, movie_id, rating, rated_at of one part ('train' or 'test') of one stored fold."""
    if part not in ("train", "test"):
        raise InvalidInput(f"part must be 'train' or 'test', got {part!r}.")
    warehouse.require_objects(con, "eval.split_assignments", step="evaluate")
    frame = pl.from_arrow(
        con.sql(
            "select ratings.user_id, ratings.movie_id, ratings.rating, ratings.rated_at "
            "from eval.split_assignments as assignments "
            "inner join staging.stg_ratings as ratings "
            "on assignments.user_id = ratings.user_id and assignments.movie_id = ratings.movie_id "
            "where assignments.protocol = ? and assignments.seed = ? and assignments.fold = ? "
            "and assignments.part = ? order by ratings.user_id, ratings.movie_id",
            params=[config.protocol, config.stored_seed, fold, part],
        ).to_arrow_table()
    )
    assert isinstance(frame, pl.DataFrame)
    if frame.is_empty() and part == "train":
        raise InvalidInput(
            f"no stored {config.protocol} split with seed {config.stored_seed} and fold {fold}.",
            hint="make it first with pipeline.splits.make_split.",
        )
    return frame


def train_and_test(
    con: duckdb.DuckDBPyConnection, config: SplitConfig, fold: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both parts of a stored fold, for peers (Surprise) that train outside the warehouse."""
    return split_ratings(con, config, fold, "train"), split_ratings(con, config, fold, "test")


@dataclass
class TrainingCopy:
    """A scratch warehouse whose ratings are the train part of one fold."""

    con: duckdb.DuckDBPyConnection
    path: Path
    test_ratings: pl.DataFrame  # user_id, movie_id, rating, rated_at of the held-out part


@contextlib.contextmanager
def training_copy(
    source: Path, config: SplitConfig, fold: int, work_dir: Path | None = None
) -> Iterator[TrainingCopy]:
    """Copy the warehouse, keep only the fold's train ratings and drop every derived table.

    The source must hold the stored split (make_split) and must not be open for writing.
    The copy is deleted when the block ends; the source is never written.
    """
    source = Path(source)
    warehouse.connect(source, read_only=True).close()  # clear error if missing or locked
    with tempfile.TemporaryDirectory(prefix="watchit-eval-", dir=work_dir) as folder:
        path = Path(folder) / f"{config.protocol}-seed{config.seed}-fold{fold}.duckdb"
        shutil.copy2(source, path)
        con = warehouse.connect(path, read_only=False)
        try:
            test = split_ratings(con, config, fold, "test")
            remove_test_ratings(con, config, fold)
            yield TrainingCopy(con, path, test)
        finally:
            con.close()


def remove_test_ratings(con: duckdb.DuckDBPyConnection, config: SplitConfig, fold: int) -> None:
    """Delete the fold's test ratings from raw.ratings and drop derived schemas; verify."""
    key = [config.protocol, config.stored_seed, fold]
    con.execute(
        "delete from raw.ratings where exists ("
        "select 1 from eval.split_assignments as assignments "
        "where assignments.user_id = ratings.user_id "
        "and assignments.movie_id = ratings.movie_id "
        "and assignments.protocol = ? and assignments.seed = ? and assignments.fold = ? "
        "and assignments.part = 'test')",
        key,
    ).fetchall()  # DuckDB 2 requires a finished result before the next statement
    for schema in DERIVED_SCHEMAS:
        con.execute(f'drop schema if exists "{schema}" cascade').fetchall()
    leaked = con.execute(
        "select count(*) from staging.stg_ratings as ratings "
        "inner join eval.split_assignments as assignments "
        "on ratings.user_id = assignments.user_id and ratings.movie_id = assignments.movie_id "
        "where assignments.protocol = ? and assignments.seed = ? and assignments.fold = ? "
        "and assignments.part = 'test'",
        key,
    ).fetchall()[0]
    if leaked and leaked[0]:
        raise LeakageDetected(
            f"{leaked[0]} test rating(s) of {config.protocol} fold {fold} are still in "
            "staging.stg_ratings after removing them from raw.ratings.",
            hint="staging.stg_ratings reads another ratings table; remove them there too.",
        )
