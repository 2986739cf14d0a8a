"""Each provider against a local server speaking its real wire format, including every failure
the issue lists (#5): 500, 429 with Retry-After, timeout, malformed JSON, a reply naming a movie
that was not recommended, an empty reply. Each ends in the documented retry or fallback."""

from __future__ import annotations

import dataclasses
import json
import logging
import time

import pytest
from message_samples import GOOD_REPLY
from message_wire import API_KEY, CASES, WireCase
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline.llm.retry import RetryPolicy
from pipeline.messages import offline_message, write_message, write_messages

FAST = RetryPolicy(max_attempts=3, backoff_seconds=0.01, max_wait_seconds=5)
ids = [case.name for case in CASES]


def serve(server: HTTPServer, case: WireCase, *responses: Response) -> list[dict]:
    """Answer each call with the next response (the last one repeats); return the request bodies."""
    bodies: list[dict] = []
    queue = list(responses)

    def handler(request: Request) -> Response:
        body = json.loads(request.get_data(as_text=True))
        case.check_request(body, request.headers)
        bodies.append(body)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    server.expect_request(case.path, method="POST").respond_with_handler(handler)
    return bodies


def ok(case: WireCase, text: str = GOOD_REPLY) -> Response:
    return Response(json.dumps(case.reply(text)), status=200, content_type="application/json")


def run(server, case, request, catalogue, timeout=5.0, policy=FAST):
    provider = case.make(server.url_for("").rstrip("/"), timeout)
    return write_message(request, provider, catalogue, policy=policy)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_a_good_reply_is_used_as_is(llm_server, case, request_for_maria, catalogue) -> None:
    bodies = serve(llm_server, case, ok(case))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "llm"
    assert result.message == GOOD_REPLY
    assert result.provider == case.name
    assert result.count_attempts == 1 and len(bodies) == 1
    assert result.fallback_reason is None


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_http_500_is_retried_then_succeeds(llm_server, case, request_for_maria, catalogue) -> None:
    bodies = serve(llm_server, case, Response("boom", status=500), ok(case))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert (result.source, result.count_attempts, len(bodies)) == ("llm", 2, 2)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_persistent_500_falls_back_after_three_attempts(
    llm_server, case, request_for_maria, catalogue
) -> None:
    bodies = serve(llm_server, case, Response("internal error", status=500))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback"
    assert result.message == offline_message(request_for_maria)
    assert "HTTP 500" in result.fallback_reason and "after 3 attempts" in result.fallback_reason
    assert len(bodies) == 3


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_429_waits_for_retry_after(llm_server, case, request_for_maria, catalogue) -> None:
    limited = Response("slow down", status=429, headers={"Retry-After": "1"})
    bodies = serve(llm_server, case, limited, ok(case))
    started = time.monotonic()
    result = run(llm_server, case, request_for_maria, catalogue)
    # Backoff alone would wait 0.01 s; only honouring Retry-After takes a full second.
    assert time.monotonic() - started >= 1.0
    assert (result.source, len(bodies)) == ("llm", 2)


def test_429_asking_for_too_long_a_wait_falls_back_at_once(
    llm_server, request_for_maria, catalogue
) -> None:
    case = CASES[0]
    bodies = serve(llm_server, case, Response("quota", status=429, headers={"Retry-After": "120"}))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback" and len(bodies) == 1
    assert "HTTP 429" in result.fallback_reason and "120 s" in result.fallback_reason


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_timeout_is_retried_then_falls_back(llm_server, case, request_for_maria, catalogue) -> None:
    calls = []

    def slow(request: Request) -> Response:
        calls.append(1)
        time.sleep(0.6)
        return ok(case)

    llm_server.expect_request(case.path, method="POST").respond_with_handler(slow)
    result = run(llm_server, case, request_for_maria, catalogue, timeout=0.2)
    assert result.source == "fallback"
    assert "did not answer within 0.2 s" in result.fallback_reason
    assert len(calls) == 3


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_malformed_json_is_retried(llm_server, case, request_for_maria, catalogue) -> None:
    broken = Response('{"choices": [', status=200, content_type="application/json")
    bodies = serve(llm_server, case, broken, ok(case))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert (result.source, len(bodies)) == ("llm", 2)

    llm_server.clear()
    serve(llm_server, case, broken)
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback" and "malformed JSON" in result.fallback_reason


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_a_reply_naming_an_unrecommended_movie_is_rejected(
    llm_server, case, request_for_maria, catalogue
) -> None:
    stray = "Hi Maria, you will adore Star Wars. After that, Toy Story will make you smile!"
    bodies = serve(llm_server, case, ok(case, stray))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback"
    assert "not recommended: Toy Story (1995)" in result.fallback_reason
    assert "Toy Story" not in result.message
    assert len(bodies) == 3


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_an_empty_reply_is_retried_then_falls_back(
    llm_server, case, request_for_maria, catalogue
) -> None:
    bodies = serve(llm_server, case, ok(case, "   "))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback" and "empty reply" in result.fallback_reason
    assert len(bodies) == 3


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_markdown_and_refusals_are_rejected(llm_server, case, request_for_maria, catalogue) -> None:
    serve(
        llm_server,
        case,
        ok(case, "## For Maria\n- **Star Wars**\n- The Matrix"),
        ok(case, "I'm sorry, but I can't help with that."),
        ok(case),
    )
    result = run(llm_server, case, request_for_maria, catalogue)
    assert (result.source, result.count_attempts) == ("llm", 3)


@pytest.mark.parametrize("case", CASES[1:], ids=ids[1:])
def test_the_api_key_never_leaks(llm_server, case, request_for_maria, catalogue, caplog) -> None:
    # A server that echoes the key back in its error body must not get it into any output.
    caplog.set_level(logging.DEBUG)
    bodies = serve(llm_server, case, Response(f"invalid key {API_KEY}", status=401))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback" and "HTTP 401" in result.fallback_reason
    assert len(bodies) == 1  # a wrong key is not retried
    assert API_KEY not in repr(result) and API_KEY not in caplog.text
    assert API_KEY not in repr(case.make("http://127.0.0.1:1", 1.0))


def test_an_unreachable_server_falls_back_without_retrying(request_for_maria, catalogue) -> None:
    case = CASES[0]
    provider = case.make("http://127.0.0.1:9", 2.0)  # port 9 (discard) has no listener here
    result = write_message(request_for_maria, provider, catalogue, policy=FAST)
    assert result.source == "fallback" and "unreachable" in result.fallback_reason
    assert result.count_attempts == 1


def test_openai_base_url_may_include_v1(llm_server, request_for_maria, catalogue) -> None:
    case = CASES[1]
    serve(llm_server, case, ok(case))
    provider = case.make(llm_server.url_for("/v1"), 5.0)
    assert write_message(request_for_maria, provider, catalogue, policy=FAST).source == "llm"


def test_a_cut_off_reply_is_retried(llm_server, request_for_maria, catalogue) -> None:
    case = CASES[1]
    cut = case.reply("Hi Maria, you will love Star")
    cut["choices"][0]["finish_reason"] = "length"
    serve(llm_server, case, Response(json.dumps(cut), content_type="application/json"), ok(case))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert (result.source, result.count_attempts) == ("llm", 2)


def test_gemini_blocked_prompt_falls_back_at_once(llm_server, request_for_maria, catalogue) -> None:
    case = CASES[2]
    blocked = {"promptFeedback": {"blockReason": "SAFETY"}}
    bodies = serve(llm_server, case, Response(json.dumps(blocked), content_type="application/json"))
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback" and "blocked the prompt (SAFETY)" in result.fallback_reason
    assert len(bodies) == 1


def test_a_batch_stops_asking_a_provider_that_keeps_failing(
    llm_server, request_for_maria, catalogue
) -> None:
    case = CASES[0]
    bodies = serve(llm_server, case, Response("down", status=503))
    requests = [dataclasses.replace(request_for_maria, user_id=user_id) for user_id in range(1, 9)]
    provider = case.make(llm_server.url_for("").rstrip("/"), 5.0)
    single = RetryPolicy(max_attempts=1, backoff_seconds=0)
    results = list(write_messages(requests, provider, catalogue, concurrency=1, policy=single))
    assert {result.source for result in results} == {"fallback"}
    # Five messages in a row failed on the server; the other three were not sent at all.
    assert len(bodies) == 5
    assert (
        sum("not asked: ollama failed 5 messages in a row" in r.fallback_reason for r in results)
        == 3
    )


def test_guard_rejections_do_not_stop_a_batch(llm_server, request_for_maria, catalogue) -> None:
    case = CASES[0]
    bodies = serve(llm_server, case, ok(case, "Hi! Watch Toy Story. It is fun!"))
    requests = [dataclasses.replace(request_for_maria, user_id=user_id) for user_id in range(1, 8)]
    provider = case.make(llm_server.url_for("").rstrip("/"), 5.0)
    single = RetryPolicy(max_attempts=1, backoff_seconds=0)
    results = list(write_messages(requests, provider, catalogue, concurrency=2, policy=single))
    assert len(bodies) == 7 and {r.source for r in results} == {"fallback"}


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    import datetime as dt
    import email.utils

    from pipeline.llm.http import _retry_after

    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    assert _retry_after("7") == 7.0
    assert 25 <= _retry_after(email.utils.format_datetime(soon, usegmt=True)) <= 30
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_an_openai_refusal_field_is_retried(llm_server, request_for_maria, catalogue) -> None:
    case = CASES[1]
    refused = case.reply("")
    refused["choices"][0]["message"].update(content=None, refusal="I can't help with that.")
    serve(
        llm_server, case, Response(json.dumps(refused), content_type="application/json"), ok(case)
    )
    result = run(llm_server, case, request_for_maria, catalogue)
    assert (result.source, result.count_attempts) == ("llm", 2)


def test_an_unpulled_ollama_model_says_how_to_fix_it(
    llm_server, request_for_maria, catalogue
) -> None:
    case = CASES[0]
    missing = Response(
        json.dumps({"error": "model 'llama3.2' not found, try pulling it first"}), status=404
    )
    bodies = serve(llm_server, case, missing)
    result = run(llm_server, case, request_for_maria, catalogue)
    assert result.source == "fallback" and len(bodies) == 1
    assert (
        "HTTP 404" in result.fallback_reason
        and "run `ollama pull llama3.2`" in result.fallback_reason
    )
