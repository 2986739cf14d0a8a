"""Messages cached in the warehouse: a re-run costs no HTTP call, --refresh asks again, the
tables survive a reload, and no API key is ever stored."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from message_wire import API_KEY, CASES
from werkzeug import Response

from pipeline import load, messages, sqlfiles
from pipeline import warehouse as wh
from pipeline.llm.providers import OpenAICompatibleProvider
from pipeline.llm.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=2, backoff_seconds=0.01)
REPLY = (
    "Hi there, Toy Story is a joy for any scientist. Alien will keep you on the edge of your seat!"
)


def tiny_requests(path: Path) -> tuple[list[messages.MessageRequest], messages.Catalogue]:
    """Requests for users 1-3 of the tiny warehouse, built from its real viewer rows."""
    con = wh.connect(path, read_only=True)
    try:
        catalogue = messages.load_catalogue(con)
        requests = []
        for user_id in (1, 2, 3):
            viewer = messages.viewer_for_user(con, user_id)
            movies = (
                messages.MovieItem(
                    1, "Toy Story (1995)", 1995, ("Animation", "Children's", "Comedy")
                ),
                messages.MovieItem(4, "Alien (1979)", 1979, ("Horror", "Sci-Fi")),
            )
            requests.append(
                messages.MessageRequest(
                    movies=movies,
                    occupation=viewer["occupation"],
                    age_bucket=viewer["age_bucket"],
                    user_id=user_id,
                )
            )
    finally:
        con.close()
    return requests, catalogue


def run_batch(path: Path, provider, refresh: bool = False) -> list[messages.MessageResult]:
    """The CLI's batch flow: read (read-only), call models, store (read-write)."""
    requests, catalogue = tiny_requests(path)
    cached = {}
    if not refresh:
        con = wh.connect(path, read_only=True)
        try:
            cached = messages.cached_results(
                con, provider, [messages.build_prompt(r).hash for r in requests]
            )
        finally:
            con.close()
    results = list(
        messages.write_messages(
            requests, provider, catalogue, cached=cached, concurrency=2, policy=FAST
        )
    )
    messages.store_results(path, results, record_batch=True)
    return results


def openai_at(server) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        "local-model", server.url_for("").rstrip("/"), 5.0, 0.3, api_key=API_KEY
    )


def serve_reply(server, text: str = REPLY) -> None:
    case = CASES[1]
    server.expect_request(case.path, method="POST").respond_with_json(case.reply(text))


def test_a_rerun_is_served_from_the_cache(llm_server, warehouse: Path) -> None:
    serve_reply(llm_server)
    first = run_batch(warehouse, openai_at(llm_server))
    assert [r.source for r in first] == ["llm"] * 3 and not any(r.is_cached for r in first)
    assert len(llm_server.log) == 3

    second = run_batch(warehouse, openai_at(llm_server))
    assert len(llm_server.log) == 3  # no new HTTP call
    assert all(r.is_cached and r.source == "llm" for r in second)
    assert {r.message for r in second} == {REPLY}

    run_batch(warehouse, openai_at(llm_server), refresh=True)
    assert len(llm_server.log) == 6

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from app.message_cache").fetchone() == (3,)
        rows = con.execute(
            "select user_id, source, is_cached from app.recommendation_messages order by user_id"
        ).fetchall()
    finally:
        con.close()
    assert rows == [(1, "llm", False), (2, "llm", False), (3, "llm", False)]


def test_a_different_model_or_prompt_version_misses_the_cache(
    llm_server, warehouse: Path, monkeypatch
) -> None:
    serve_reply(llm_server)
    run_batch(warehouse, openai_at(llm_server))
    other_model = OpenAICompatibleProvider(
        "other-model", llm_server.url_for("").rstrip("/"), 5.0, 0.3
    )
    run_batch(warehouse, other_model)
    assert len(llm_server.log) == 6
    monkeypatch.setattr(messages.prompts, "prompt_version", lambda: "2-changed")
    run_batch(warehouse, openai_at(llm_server))
    assert len(llm_server.log) == 9


def test_fallbacks_are_recorded_but_not_cached(llm_server, warehouse: Path) -> None:
    llm_server.expect_request(CASES[1].path, method="POST").respond_with_response(
        Response(f"key {API_KEY} rejected", status=401)
    )
    results = run_batch(warehouse, openai_at(llm_server))
    assert {r.source for r in results} == {"fallback"}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from app.message_cache").fetchone() == (0,)
        stored = con.execute("select * from app.recommendation_messages").fetchall()
    finally:
        con.close()
    assert len(stored) == 3
    assert API_KEY not in json.dumps(stored, default=str)
    assert all("HTTP 401" in row[8] for row in stored)


def test_offline_messages_need_no_server_and_land_in_the_batch_table(warehouse: Path) -> None:
    results = run_batch(warehouse, None)
    assert {r.source for r in results} == {"offline"}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select provider, model, count(*) from app.recommendation_messages group by all"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("offline", "template", 3)]


def test_message_tables_survive_a_reload(warehouse: Path, movielens_dir) -> None:
    run_batch(warehouse, None)
    with wh.rebuild(warehouse, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, movielens_dir()))
        wh.carry_over_schema(con, warehouse, "app")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from app.recommendation_messages").fetchone() == (3,)
    finally:
        con.close()
