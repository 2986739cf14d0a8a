"""Top-N recommendations for one user or all users at once, computed by SQL in the warehouse.

One run, whatever the number of users, is ONE statement: the query files below, composed
by sqlfiles.compose as CTEs named after the relation each produces, so it is planned once and
needs no temp table (a read-only warehouse works):

1. recommendation_users = the requested users that exist (recommend_users.sql, plus
   recommend_app_users.sql for sign-ups); recommendation_exclusions = every movie they
   rated, in MovieLens and in app.ratings.
2. Candidates with their evidence: item_candidates from recommend_item.sql (neighbours of the
   movies the user rated, "because you rated Alien (1979) 5 stars"), user_candidates from
   recommend_user.sql (movies the user's neighbours rated, "liked by 12 viewers with your
   taste"), both for the hybrid; recommend_candidates.sql keeps the best-supported ones.
3. Predicted ratings: the collaborative-filtering model's own query (predict_item.sql,
   predict_user.sql or predict_hybrid.sql) on exactly these pairs, so a recommendation's
   predicted rating is what `watchit predict` says for the same pair.
4. recommend_popular_fallbacks.sql picks marts.popular_movies for users with too few
   candidates (left out for one user until the list comes out short); recommend_ranked.sql
   ranks by predicted_rating * ln(1 + neighbour support), the popular fill-up last, and adds
   titles.

A movie the user rated (staging.stg_ratings or app.ratings) is never recommended.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline import sqlfiles, warehouse
from pipeline.errors import InvalidInput, UnknownUser, WarehouseNotFound

log = logging.getLogger(__name__)

METHODS = ("hybrid", "item", "user", "popular", "cluster")
# The query files of each method's two candidate sides; recommend_no_* = a side left empty.
CANDIDATE_QUERIES = {
    "hybrid": ("recommend_item", "recommend_user"),
    "item": ("recommend_item", "recommend_no_user_candidates"),
    "user": ("recommend_no_item_candidates", "recommend_user"),
    "popular": ("recommend_no_item_candidates", "recommend_no_user_candidates"),
}
# The popular method has no candidates, so nothing to predict.
PREDICTION_QUERIES = {
    "hybrid": "predict_hybrid",
    "item": "predict_item",
    "user": "predict_user",
    "popular": "recommend_no_predictions",
}
POPULAR_LABELS = {"popular": "popular: "}
FALLBACK_LABEL = "popular fallback (no personal match): "
MAX_RECOMMENDATIONS = 1000
# Precomputed lists (`watchit recommend --all --store`), served by recommend_for_user when fresh.
STORED_TABLE = "marts.user_recommendations"
# Candidates scored per user (the best-supported ones); see sql/queries/recommend_candidates.sql.
MAX_CANDIDATES_PER_USER = 100
OUTPUT_SCHEMA = {
    "rank": pl.Int32,
    "movie_id": pl.Int32,
    "title": pl.String,
    "release_year": pl.Int32,
    "genres": pl.String,
    "predicted_rating": pl.Float64,
    "score": pl.Float64,
    "explanation": pl.String,
}
REQUIRED_OBJECTS = (
    "marts.users",
    "marts.movies",
    "marts.popular_movies",
    "marts.movie_neighbours",
    "marts.user_neighbours",
    "marts.rating_baselines",
)


def recommend_for_user(
    con: duckdb.DuckDBPyConnection,
    user_id: int,
    method: str = "hybrid",
    n: int = 10,
    use_stored: bool = True,
) -> pl.DataFrame:
    """Top-n movies for one user: rank, movie_id, title, release_year, genres,
    predicted_rating, score, explanation (rank 1 first).

    With use_stored, a fresh list from marts.user_recommendations (`watchit recommend --all
    --store`) is served as is; otherwise, or when there is none, the list is scored live.
    """
    check_method(method)
    check_limit(n)
    if use_stored:
        stored = stored_recommendations(con, user_id, method, n)
        if stored is not None:
            return stored
    frame = recommend_for_users(con, [user_id], method=method, n=n)
    return frame.drop("user_id")


def stored_recommendations(
    con: duckdb.DuckDBPyConnection, user_id: int, method: str, n: int
) -> pl.DataFrame | None:
    """The user's fresh stored top-n list (sql/queries/recommend_stored.sql has the rules), or
    None when live scoring is needed: nothing stored, stale after a build or a new rating."""
    _as_user_id(user_id)
    try:
        frame = _fetch(
            con,
            sqlfiles.query("recommend_stored"),
            {"user_id": user_id, "method": method, "n": n},
        )
    except duckdb.CatalogException:
        return None  # a warehouse built before marts.user_recommendations existed
    if frame.is_empty():
        return None
    return frame.select(*[pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items()])


def store_recommendations(
    con: duckdb.DuckDBPyConnection,
    method: str = "hybrid",
    n: int = 10,
    batch_users: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> pl.DataFrame:
    """Score every known user's top-n live and replace the method's rows of
    marts.user_recommendations with them; return what was stored (user_id + output columns).

    Run it inside `warehouse.rebuild(...)`. computed_at is the start of the run, so a rating
    made while it runs already makes that user's list stale. progress(done, total) is called
    after each batch of `batch_users` users.
    """
    check_method(method)
    check_limit(n)
    if n > MAX_CANDIDATES_PER_USER:
        # A longer list scores more candidates, so its top 10 could differ from a live top 10.
        raise InvalidInput(
            f"stored lists hold at most {MAX_CANDIDATES_PER_USER} movies per user, got {n}.",
            hint="watchit recommend --all --store -n 20",
        )
    warehouse.require_objects(con, STORED_TABLE, step="build")
    computed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    user_ids = known_user_ids(con)
    con.execute("delete from marts.user_recommendations where method = ?", [method])
    frames = []
    for start in range(0, len(user_ids), batch_users):
        batch = user_ids[start : start + batch_users]
        frame = recommend_for_users(con, batch, method=method, n=n)
        rows = frame.select(
            "user_id",
            "movie_id",
            pl.lit(method).alias("method"),
            "explanation",
            "rank",
            "predicted_rating",
            "score",
            pl.lit(n, dtype=pl.Int32).alias("list_limit"),
            pl.lit(computed_at).alias("computed_at"),
        )
        con.register("stored_batch", rows.to_arrow())
        try:
            con.execute("insert into marts.user_recommendations by name select * from stored_batch")
        finally:
            con.unregister("stored_batch")
        frames.append(frame)
        if progress is not None:
            progress(min(start + batch_users, len(user_ids)), len(user_ids))
    return pl.concat(frames) if frames else pl.DataFrame()


def recommend_for_users(
    con: duckdb.DuckDBPyConnection,
    user_ids: Sequence[int] | None,
    method: str = "hybrid",
    n: int = 10,
    max_candidates: int = MAX_CANDIDATES_PER_USER,
) -> pl.DataFrame:
    """Top-n movies for every user in `user_ids` (None = every known user), in one SQL run.

    Columns: user_id, then those of recommend_for_user; sorted by user_id, rank. Only the
    `max_candidates` best-supported candidates of each user (at least n) get a predicted rating.
    """
    check_method(method)
    check_limit(n)
    if method == "cluster":
        return _recommend_by_cluster(con, user_ids, n)
    ids = None if user_ids is None else sorted({_as_user_id(user_id) for user_id in user_ids})
    run = _LiveRun(ids, method, n, max(max_candidates, n))
    try:
        # A built warehouse has every table the queries read, so no catalog lookup first: it
        # cost 1-2 ms of a request (ML-100K, bench_serving).
        frame = _score_live(con, run, has_app_users=True, has_app_ratings=True)
    except duckdb.CatalogException:
        # Find out what is missing only now: not built yet, or loaded before sign-ups existed.
        existing = _existing_objects(con)
        missing = [name for name in REQUIRED_OBJECTS if name not in existing]
        if missing:
            raise WarehouseNotFound(
                f"the warehouse has no {', '.join(missing)}.", hint="run `watchit build` first."
            ) from None
        has_app_users, has_app_ratings = "app.users" in existing, "app.ratings" in existing
        if has_app_users and has_app_ratings:
            raise
        frame = _score_live(con, run, has_app_users, has_app_ratings)
    if ids is not None:
        # Every known user gets a row (popular movies at worst), so only users without one
        # need the lookup that tells unknown ids from users who rated every candidate.
        listed = set(frame["user_id"].to_list())
        unlisted = [user_id for user_id in ids if user_id not in listed]
        if unlisted:
            check_users(con, unlisted)
    return frame.select(
        pl.col("user_id").cast(pl.Int32),
        *[pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items()],
    )


def check_method(method: str) -> None:
    if method not in METHODS:
        raise InvalidInput(
            f"unknown recommendation method {method!r}.", hint=f"use one of {', '.join(METHODS)}."
        )


def check_limit(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_RECOMMENDATIONS:
        raise InvalidInput(
            f"the number of recommendations must be from 1 to {MAX_RECOMMENDATIONS}, got {n!r}."
        )


def known_user_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    """MovieLens users (staging.stg_users) and signed-up users (app.users, when it exists)."""
    return _all_user_ids(con, warehouse.object_exists(con, "app.users"))


def check_users(con: duckdb.DuckDBPyConnection, user_ids: Sequence[int]) -> list[int]:
    """The distinct ids, or UnknownUser naming the first few that no table knows."""
    return _check_users(con, user_ids, warehouse.object_exists(con, "app.users"))


def _all_user_ids(con: duckdb.DuckDBPyConnection, has_app_users: bool) -> list[int]:
    query = "select user_id from staging.stg_users"
    if has_app_users:
        query += " union select user_id from app.users"
    return sorted(user_id for (user_id,) in con.execute(query).fetchall())


def _check_users(
    con: duckdb.DuckDBPyConnection, user_ids: Sequence[int], has_app_users: bool
) -> list[int]:
    ids = sorted({_as_user_id(user_id) for user_id in user_ids})
    query = "select user_id from staging.stg_users where list_contains($ids, user_id)"
    if has_app_users:
        query += " union select user_id from app.users where list_contains($ids, user_id)"
    known = {user_id for (user_id,) in con.execute(query, {"ids": ids}).fetchall()}
    _raise_unless_known(ids, known)
    return ids


def _as_user_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"user ids must be whole numbers, got {value!r}.")
    return value


def _existing_objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Qualified names of the tables and views in the warehouse."""
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = current_database() "
        "union all select schema_name || '.' || view_name from duckdb_views() "
        "where database_name = current_database()"
    ).fetchall()
    return {name for (name,) in rows}


@dataclass(frozen=True)
class _LiveRun:
    user_ids: list[int] | None  # distinct and sorted; None = every known user
    method: str
    n: int
    max_candidates: int


def _score_live(
    con: duckdb.DuckDBPyConnection, run: _LiveRun, has_app_users: bool, has_app_ratings: bool
) -> pl.DataFrame:
    """Run the composed statement; a one-user list that comes out short is run again with the
    popular fill-up."""
    # Planning the fallback query costs about 4 ms of a one-user request (ML-100K), and a
    # user with n candidates never reaches it, so one user gets it only when short.
    one_user = run.user_ids is not None and len(run.user_ids) == 1 and run.method != "popular"
    frame = _fetch_run(con, run, has_app_users, has_app_ratings, with_fallbacks=not one_user)
    if one_user and frame.height < run.n:
        frame = _fetch_run(con, run, has_app_users, has_app_ratings, with_fallbacks=True)
    return frame


def _fetch_run(
    con: duckdb.DuckDBPyConnection,
    run: _LiveRun,
    has_app_users: bool,
    has_app_ratings: bool,
    with_fallbacks: bool,
) -> pl.DataFrame:
    users = ["recommend_users"] + (["recommend_app_users"] if has_app_users else [])
    rated = ["recommend_rated_movies"] + (["recommend_app_ratings"] if has_app_ratings else [])
    item_query, user_query = CANDIDATE_QUERIES[run.method]
    fallbacks = "recommend_popular_fallbacks" if with_fallbacks else "recommend_no_fallbacks"
    steps = [
        ("recommendation_users", _union(users)),
        ("recommendation_exclusions", _union(rated, keep_duplicates=True)),
        ("item_candidates", sqlfiles.query(item_query)),
        ("user_candidates", sqlfiles.query(user_query)),
        ("recommendation_candidates", sqlfiles.query("recommend_candidates")),
        ("prediction_requests", sqlfiles.query("recommend_prediction_requests")),
        ("recommendation_predictions", sqlfiles.query(PREDICTION_QUERIES[run.method])),
        ("recommendation_fallbacks", sqlfiles.query(fallbacks)),
    ]
    parameters: dict[str, object] = {
        "user_ids": run.user_ids,
        "n": run.n,
        "max_candidates": run.max_candidates,
    }
    if with_fallbacks:
        parameters["popular_label"] = POPULAR_LABELS.get(run.method, FALLBACK_LABEL)
    query = sqlfiles.compose(steps, sqlfiles.query("recommend_ranked"))
    return _fetch(con, query, parameters)


def _union(query_names: list[str], keep_duplicates: bool = False) -> str:
    """The query files' rows together, as one query."""
    operator = " union all " if keep_duplicates else " union "
    return operator.join(f"({sqlfiles.query(name)})" for name in query_names)


def _raise_unless_known(user_ids: list[int], known: set[int]) -> None:
    unknown = [user_id for user_id in user_ids if user_id not in known]
    if unknown:
        shown = ", ".join(map(str, unknown[:5])) + (" ..." if len(unknown) > 5 else "")
        raise UnknownUser(
            f"no user with id {shown}.",
            hint="for someone without ratings use "
            "`watchit recommend --age 25 --gender F --occupation programmer`.",
        )


def _recommend_by_cluster(
    con: duckdb.DuckDBPyConnection, user_ids: Sequence[int] | None, n: int
) -> pl.DataFrame:
    from pipeline import cold_start  # here, not at the top: cold_start imports this module

    ids = None if user_ids is None else check_users(con, user_ids)
    # A build creates marts.user_clusters empty; only `watchit cluster` fills it.
    if warehouse.object_exists(con, "marts.user_clusters"):
        row = con.execute("select count(*) from marts.user_clusters").fetchone()
        if row is not None and row[0] == 0:
            raise WarehouseNotFound(
                "the warehouse has no taste clusters yet.", hint="run `watchit cluster` first."
            )
    return cold_start.recommend_for_cluster_members(con, ids, n)


def _fetch(
    con: duckdb.DuckDBPyConnection, query: str, parameters: dict[str, object] | None = None
) -> pl.DataFrame:
    # fetchall + polars, not con.sql(...).to_arrow_table(): on a 10-row list the Arrow export
    # cost 7 ms of a 20 ms ranking query (DuckDB 2.0.1, ML-100K, bench_serving).
    result = con.execute(query, parameters)
    names = [column[0] for column in result.description]
    return pl.DataFrame(result.fetchall(), schema=names, orient="row", infer_schema_length=None)
