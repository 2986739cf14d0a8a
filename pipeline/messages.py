"""Personal messages for recommendation lists: prompt, model call, guard, offline fallback, cache.

The core works on plain data: a MessageRequest (viewer fields and recommended movies) becomes a
Prompt (rendered system and user prompts) and then a MessageResult, written by a provider and
accepted by the output guard, or by the offline template (provider `offline`, or the fallback
when every attempt failed; `source` and `fallback_reason` say which).

The warehouse side (viewer data, catalogue, cache) is kept apart: read everything first with a
read-only connection, call models without any connection open (threads), then open read-write
only to store the results (DuckDB refuses a read-only and a read-write connection to one file
in the same process).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypedDict

import duckdb
import polars as pl

from pipeline import cold_start, prompts, recommend, sqlfiles, warehouse
from pipeline.errors import InvalidInput, UnknownUser
from pipeline.llm import guard
from pipeline.llm.guard import Catalogue, GuardConfig
from pipeline.llm.providers import Provider
from pipeline.llm.retry import CircuitBreaker, Generation, RetryPolicy, generate
from pipeline.llm.sanitise import sanitise_label, sanitise_name, strip_control
from pipeline.llm.titles import display_title, words

log = logging.getLogger(__name__)

PLATFORM = "WatchIt"
OFFLINE_MODEL = "template"
# Occupations that say nothing about a person; the message leaves them out.
_UNINFORMATIVE_OCCUPATIONS = frozenset({"none", "other", "other or not specified"})
# MovieLens occupations that are not nouns for a person ("an entertainment"), as a phrase.
_OCCUPATION_PHRASES = {
    "entertainment": "someone working in entertainment",
    "healthcare": "someone working in healthcare",
    "marketing": "someone working in marketing",
    "retired": "someone enjoying retirement",
    "academic/educator": "an educator",
    "clerical/admin": "someone in clerical or admin work",
    "college/grad student": "a college student",
    "customer service": "someone working in customer service",
    "doctor/health care": "someone working in health care",
    "executive/managerial": "a manager",
    "k-12 student": "a student",
    "sales/marketing": "someone working in sales or marketing",
    "self-employed": "someone who is self-employed",
    "technician/engineer": "an engineer",
    "tradesman/craftsman": "a craftsperson",
    "unemployed": "someone with time for movies",
}
MESSAGE_TABLES = ("app.message_cache", "app.recommendation_messages")


@dataclass(frozen=True)
class MovieItem:
    movie_id: int
    title: str  # as in the catalogue: "Matrix, The (1999)"
    release_year: int | None = None
    genres: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageRequest:
    """Everything a message is about. Text fields are untrusted; they are sanitised on use."""

    movies: tuple[MovieItem, ...]
    name: str | None = None
    occupation: str | None = None
    age_bucket: str | None = None
    gender: str | None = None
    cluster_label: str | None = None
    user_id: int | None = None
    method: str = "hybrid"

    def __post_init__(self) -> None:
        if not self.movies:
            who = f"user {self.user_id}" if self.user_id is not None else "this viewer"
            raise InvalidInput(
                f"no recommended movies for {who}, so there is nothing to introduce."
            )


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str

    @property
    def hash(self) -> str:
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()


@dataclass(frozen=True)
class MessageResult:
    message: str
    source: str  # llm | offline | fallback
    provider: str
    model: str
    prompt_version: str
    prompt_hash: str
    fallback_reason: str | None = None
    count_attempts: int = 0
    is_cached: bool = False
    user_id: int | None = None
    method: str = "hybrid"
    count_recommendations: int = 0


class _RequestFields(TypedDict):
    """The MessageResult fields every outcome (llm, offline, fallback) copies from the request."""

    prompt_version: str
    prompt_hash: str
    user_id: int | None
    method: str
    count_recommendations: int


# ---- plain data -> prompts and offline message -------------------------------------------


def prompt_context(
    request: MessageRequest, guard_config: GuardConfig = GuardConfig()
) -> dict[str, Any]:
    """The template variables; every untrusted field is sanitised here, on its way in."""
    occupation = sanitise_label(request.occupation).value
    if occupation and occupation.lower() in _UNINFORMATIVE_OCCUPATIONS:
        occupation = None
    viewer = {
        "name": sanitise_name(request.name).value,
        "occupation": occupation,
        "who": describe_occupation(occupation),
        "age_bucket": sanitise_label(request.age_bucket).value,
        "cluster_label": sanitise_label(request.cluster_label).value,
    }
    movies = [
        {
            "title": display_title(strip_control(movie.title)),
            "year": movie.release_year,
            "genres": [strip_control(genre) for genre in movie.genres],
        }
        for movie in request.movies
    ]
    return {
        "platform": PLATFORM,
        "viewer": viewer,
        "movies": movies,
        "min_sentences": guard_config.min_sentences,
        "max_sentences": guard_config.max_sentences,
        "max_characters": guard_config.max_characters,
    }


def describe_occupation(occupation: str | None) -> str:
    """How the offline message names the viewer: "a programmer", "someone working in marketing"."""
    if not occupation:
        return "someone"
    phrase = _OCCUPATION_PHRASES.get(occupation.lower())
    if phrase:
        return phrase
    return f"{'an' if occupation[:1].lower() in 'aeio' else 'a'} {occupation}"


def build_prompt(request: MessageRequest, guard_config: GuardConfig = GuardConfig()) -> Prompt:
    context = prompt_context(request, guard_config)
    return Prompt(
        system=prompts.render("system.md.j2", context), user=prompts.render("user.md.j2", context)
    )


def offline_message(request: MessageRequest) -> str:
    """The message the template writes: always available, 2-3 sentences, recommended titles only."""
    text = prompts.render("offline_message.md.j2", prompt_context(request))
    return " ".join(text.split())


def ignore_words(request: MessageRequest) -> list[str]:
    """Words of the viewer's own data: a one-word title equal to one of them is not a mention."""
    context = prompt_context(request)
    viewer = context["viewer"]
    texts = [PLATFORM, *(value for value in viewer.values() if value)]
    texts += [genre for movie in context["movies"] for genre in movie["genres"]]
    return [word for text in texts for word in words(text)]


def write_message(
    request: MessageRequest,
    provider: Provider | None,
    catalogue: Catalogue,
    *,
    policy: RetryPolicy = RetryPolicy(),
    guard_config: GuardConfig = GuardConfig(),
    sleep: Callable[[float], None] | None = None,
    breaker: CircuitBreaker | None = None,
) -> MessageResult:
    """Ask `provider` (None = offline) and fall back to the offline message when it fails.

    With a `breaker` that has opened (the provider failed several messages in a row), the
    provider is not asked at all and the offline message says why."""
    prompt = build_prompt(request, guard_config)
    common: _RequestFields = {
        "prompt_version": prompts.prompt_version(),
        "prompt_hash": prompt.hash,
        "user_id": request.user_id,
        "method": request.method,
        "count_recommendations": len(request.movies),
    }
    if provider is None:
        return MessageResult(
            offline_message(request), "offline", "offline", OFFLINE_MODEL, **common
        )
    recommended = [movie.movie_id for movie in request.movies]
    ignored = ignore_words(request)

    def check(reply: str) -> guard.Verdict:
        return guard.check(reply, recommended, catalogue, guard_config, ignored)

    options = {"sleep": sleep} if sleep else {}
    if breaker is not None and breaker.is_open:
        outcome = Generation(
            None,
            0,
            f"not asked: {provider.name} failed {breaker.threshold} messages in a row in this batch",
        )
    else:
        outcome = generate(provider, prompt.system, prompt.user, check, policy, **options)
        if breaker is not None:
            breaker.record(outcome)
    if outcome.message is not None:
        return MessageResult(
            outcome.message,
            "llm",
            provider.name,
            provider.model,
            count_attempts=outcome.attempts,
            **common,
        )
    log.info(
        "%s/%s failed, using the offline message: %s",
        provider.name,
        provider.model,
        outcome.failure,
    )
    return MessageResult(
        offline_message(request),
        "fallback",
        provider.name,
        provider.model,
        fallback_reason=outcome.failure,
        count_attempts=outcome.attempts,
        **common,
    )


def write_messages(
    requests: Sequence[MessageRequest],
    provider: Provider | None,
    catalogue: Catalogue,
    *,
    cached: Mapping[str, MessageResult] | None = None,
    concurrency: int = 4,
    policy: RetryPolicy = RetryPolicy(),
    guard_config: GuardConfig = GuardConfig(),
) -> Iterator[MessageResult]:
    """Yield one result per request as they finish; cached prompts cost no call.

    Model calls run in at most `concurrency` threads; nothing here touches the warehouse, so the
    caller (main thread) may store the results as they arrive.
    """
    cached = cached or {}
    breaker = CircuitBreaker()
    pending = []
    for request in requests:
        hit = cached.get(build_prompt(request, guard_config).hash) if provider else None
        if hit is not None:
            yield replace(
                hit,
                user_id=request.user_id,
                method=request.method,
                count_recommendations=len(request.movies),
            )
        else:
            pending.append(request)
    if provider is None or concurrency <= 1:
        for request in pending:
            yield write_message(
                request,
                provider,
                catalogue,
                policy=policy,
                guard_config=guard_config,
                breaker=breaker,
            )
        return
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="watchit-llm")
    try:
        futures = [
            pool.submit(
                write_message,
                request,
                provider,
                catalogue,
                policy=policy,
                guard_config=guard_config,
                breaker=breaker,
            )
            for request in pending
        ]
        for future in as_completed(futures):
            yield future.result()
    finally:
        # Ctrl-C or an error: drop the calls not started yet instead of waiting for them all.
        pool.shutdown(wait=True, cancel_futures=True)


# ---- warehouse: read inputs ----------------------------------------------------------------


def load_catalogue(con: duckdb.DuckDBPyConnection) -> Catalogue:
    return Catalogue.from_rows(con.execute(sqlfiles.query("message_catalogue")).fetchall())


def _rows(
    con: duckdb.DuckDBPyConnection, query_name: str, parameters: Mapping[str, Any]
) -> list[dict[str, Any]]:
    result = con.execute(sqlfiles.query(query_name), dict(parameters))
    columns = [column[0] for column in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _one(
    con: duckdb.DuckDBPyConnection, query_name: str, parameters: Mapping[str, Any]
) -> dict[str, Any] | None:
    rows = _rows(con, query_name, parameters)
    return rows[0] if rows else None


def viewers_for_users(
    con: duckdb.DuckDBPyConnection, user_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Name (sign-ups only), gender, occupation, zip, age bucket and cluster label per user id;
    one query each, so a batch does not pay per user. Unknown ids are absent."""
    ids = [int(user_id) for user_id in user_ids]
    viewers = {
        row["user_id"]: {**row, "name": None}
        for row in _rows(con, "message_viewer", {"user_ids": ids})
    }
    if warehouse.object_exists(con, "app.users"):
        viewers.update(
            {row["user_id"]: row for row in _rows(con, "message_app_viewer", {"user_ids": ids})}
        )
    labels: dict[int, str] = {}
    if warehouse.object_exists(con, "marts.user_clusters") and warehouse.object_exists(
        con, "marts.clusters"
    ):
        labels = {
            row["user_id"]: row["label"]
            for row in _rows(con, "message_cluster_label", {"user_ids": ids})
        }
    for user_id, viewer in viewers.items():
        viewer["cluster_label"] = labels.get(user_id)
    return viewers


def viewer_for_user(con: duckdb.DuckDBPyConnection, user_id: int) -> dict[str, Any]:
    viewer = viewers_for_users(con, [user_id]).get(user_id)
    if viewer is None:
        raise UnknownUser(
            f"no user with id {user_id}.",
            hint='watchit sql "select user_id from staging.stg_users limit 5"',
        )
    return viewer


def age_bucket_for(con: duckdb.DuckDBPyConnection, age: int) -> str | None:
    row = _one(con, "message_age_bucket", {"age": age})
    return row["age_bucket"] if row else None


def batch_user_ids(con: duckdb.DuckDBPyConnection, limit: int) -> list[int]:
    return [
        user_id
        for (user_id,) in con.execute(
            sqlfiles.query("message_batch_users"), {"limit": limit}
        ).fetchall()
    ]


def movies_from_recommendations(recommendations: pl.DataFrame) -> tuple[MovieItem, ...]:
    """MovieItems from a pipeline.recommend / pipeline.cold_start frame, in its row order."""
    return tuple(
        MovieItem(
            movie_id=int(row["movie_id"]),
            title=str(row["title"]),
            release_year=int(row["release_year"]) if row.get("release_year") is not None else None,
            genres=_genres(row.get("genres")),
        )
        for row in recommendations.iter_rows(named=True)
    )


def _genres(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        separator = "|" if "|" in value else ","
        return tuple(part.strip() for part in value.split(separator) if part.strip())
    return tuple(str(part) for part in value)


def request_for_user(
    con: duckdb.DuckDBPyConnection,
    user_id: int,
    method: str = "hybrid",
    n: int = 5,
    name: str | None = None,
    viewer: Mapping[str, Any] | None = None,
) -> MessageRequest:
    """The message request for a known user: their demographics and `method`'s top-n list.

    `viewer` (from viewers_for_users) saves the per-user lookup in batches."""
    viewer = viewer if viewer is not None else viewer_for_user(con, user_id)
    movies = movies_from_recommendations(recommend.recommend_for_user(con, user_id, method, n))
    return MessageRequest(
        movies=movies,
        name=name if name is not None else viewer["name"],
        occupation=viewer["occupation"],
        age_bucket=viewer["age_bucket"],
        gender=viewer["gender"],
        cluster_label=viewer["cluster_label"],
        user_id=user_id,
        method=method,
    )


def requests_for_users(
    con: duckdb.DuckDBPyConnection, user_ids: Sequence[int], method: str = "hybrid", n: int = 5
) -> list[MessageRequest]:
    """Message requests for many users; the recommendations come from one set-based SQL run
    (pipeline.recommend.recommend_for_users). Users with no recommendation are skipped."""
    viewers = viewers_for_users(con, user_ids)
    frame = recommend.recommend_for_users(con, list(user_ids), method=method, n=n)
    lists = {int(part["user_id"][0]): part.sort("rank") for part in frame.partition_by("user_id")}
    requests = []
    for user_id in user_ids:
        viewer = viewers.get(user_id)
        movies = lists.get(user_id)
        if viewer is None or movies is None:
            log.warning("user %s has no recommendations; no message written", user_id)
            continue
        requests.append(
            MessageRequest(
                movies=movies_from_recommendations(movies),
                name=viewer["name"],
                occupation=viewer["occupation"],
                age_bucket=viewer["age_bucket"],
                gender=viewer["gender"],
                cluster_label=viewer["cluster_label"],
                user_id=user_id,
                method=method,
            )
        )
    return requests


def request_for_new_viewer(
    con: duckdb.DuckDBPyConnection,
    *,
    age: int,
    gender: str,
    occupation: str,
    zip_code: str | None = None,
    name: str | None = None,
    n: int = 5,
) -> MessageRequest:
    """The message request for someone without ratings: cold-start picks for their demographics."""
    from pipeline.llm.sanitise import sanitise_zip

    recommendations = cold_start.recommend_for_demographics(
        con,
        age=age,
        gender=gender,
        occupation=occupation,
        zip_code=sanitise_zip(zip_code).value,
        n=n,
    )
    return MessageRequest(
        movies=movies_from_recommendations(recommendations),
        name=name,
        occupation=occupation,
        age_bucket=age_bucket_for(con, age),
        gender=gender,
        cluster_label=None,  # no ratings yet, so no taste cluster
        method="cold-start",
    )


# ---- warehouse: cache and results ----------------------------------------------------------


def cached_results(
    con: duckdb.DuckDBPyConnection, provider: Provider | None, prompts_by_hash: Iterable[str]
) -> dict[str, MessageResult]:
    """Cached messages of `provider`/model for these prompt hashes (empty before the first store;
    always empty for offline, which is never cached)."""
    if provider is None or not warehouse.object_exists(con, "app.message_cache"):
        return {}
    hashes = sorted(set(prompts_by_hash))
    con.execute("create or replace temp table message_cache_requests (prompt_hash varchar)")
    con.executemany("insert into message_cache_requests values (?)", [[value] for value in hashes])
    version = prompts.prompt_version()
    rows = con.execute(
        sqlfiles.query("message_cache_lookup"),
        {"provider": provider.name, "model": provider.model, "prompt_version": version},
    ).fetchall()
    con.execute("drop table message_cache_requests")
    return {
        prompt_hash: MessageResult(
            message,
            "llm",
            provider.name,
            provider.model,
            version,
            prompt_hash,
            count_attempts=attempts,
            is_cached=True,
        )
        for prompt_hash, message, attempts in rows
    }


def store_results(path: Path, results: Sequence[MessageResult], *, record_batch: bool) -> None:
    """Write new model messages to app.message_cache and, for batches, every result to
    app.recommendation_messages; one read-write connection, one transaction."""
    to_cache = [result for result in results if result.source == "llm" and not result.is_cached]
    if not to_cache and not record_batch:
        return
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con = warehouse.connect(path, read_only=False)
    try:
        _ensure_tables(con)
        con.execute("begin transaction")
        if to_cache:
            con.executemany(
                "insert or replace into app.message_cache (provider, model, prompt_version, "
                "prompt_hash, message, count_attempts, created_at) values (?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        r.provider,
                        r.model,
                        r.prompt_version,
                        r.prompt_hash,
                        r.message,
                        r.count_attempts,
                        now,
                    ]
                    for r in to_cache
                ],
            )
        if record_batch:
            rows = [
                [
                    r.user_id,
                    r.method,
                    r.provider,
                    r.model,
                    r.prompt_version,
                    r.prompt_hash,
                    r.message,
                    r.source,
                    r.fallback_reason,
                    r.count_recommendations,
                    r.is_cached,
                    now,
                ]
                for r in results
                if r.user_id is not None
            ]
            if rows:
                con.executemany(
                    "insert or replace into app.recommendation_messages (user_id, method, provider, "
                    "model, prompt_version, prompt_hash, message, source, fallback_reason, "
                    "count_recommendations, is_cached, created_at) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        con.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # no transaction may be open yet
            con.execute("rollback")
        raise
    finally:
        con.close()


def _ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the message tables in a warehouse loaded before they existed (idempotent DDL)."""
    con.execute("create schema if not exists app")
    for sql_object in sqlfiles.ordered_objects(("app",)):
        if sql_object.qualified_name in MESSAGE_TABLES and not warehouse.object_exists(
            con, sql_object.qualified_name
        ):
            con.execute(sql_object.text)
