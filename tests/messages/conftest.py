"""Fixtures for the message tests: a threaded local HTTP server and a small catalogue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from message_samples import GOOD_REPLY, MOVIES, OTHER_MOVIES  # noqa: F401 - re-exported for fixtures
from pytest_httpserver import HTTPServer

from pipeline.llm.guard import Catalogue
from pipeline.messages import MessageRequest


@pytest.fixture(scope="session")
def _shared_llm_server() -> Iterator[HTTPServer]:
    # Threaded, so a slow (timing-out) handler does not block the retries; one per session
    # because stopping a werkzeug server takes half a second.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def llm_server(_shared_llm_server: HTTPServer) -> Iterator[HTTPServer]:
    """A local HTTP server on 127.0.0.1; request-shape assertions in handlers fail the test."""
    _shared_llm_server.clear()
    yield _shared_llm_server
    errors = list(_shared_llm_server.handler_errors)
    _shared_llm_server.clear()
    assert not errors, f"a request handler failed: {errors[0]!r}"


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.from_rows([(movie.movie_id, movie.title) for movie in MOVIES] + OTHER_MOVIES)


@pytest.fixture
def request_for_maria() -> MessageRequest:
    return MessageRequest(
        movies=MOVIES,
        name="Maria",
        occupation="programmer",
        age_bucket="25-34",
        gender="F",
        cluster_label="action and sci-fi fans",
        user_id=42,
    )
