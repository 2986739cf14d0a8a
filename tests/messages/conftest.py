"""Fixtures for the message tests: a threaded local HTTP server and a small catalogue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from pipeline.llm.guard import Catalogue
from pipeline.messages import MessageRequest, MovieItem

MOVIES = (
    MovieItem(50, "Star Wars (1977)", 1977, ("Action", "Adventure", "Sci-Fi")),
    MovieItem(2571, "Matrix, The (1999)", 1999, ("Action", "Sci-Fi", "Thriller")),
    MovieItem(
        750,
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)",
        1963,
        ("Comedy", "War"),
    ),
    MovieItem(9, "M*A*S*H (1970)", 1970, ("Comedy", "War")),
    MovieItem(2, "Misérables, Les (1995)", 1995, ("Drama", "Musical")),
)
OTHER_MOVIES = [
    (1, "Toy Story (1995)"),
    (3, "Big (1988)"),
    (4, "Heat (1995)"),
    (5, "Seven (Se7en) (1995)"),
    (6, "Net, The (1995)"),
    (7, "unknown"),
    (8, "187 (1997)"),
    (10, "Romance (1999)"),
    (11, "Go (1999)"),
]
GOOD_REPLY = (
    "Hi Maria, as a programmer in the 25-34 crowd you will love Star Wars and The Matrix. "
    "Save Dr. Strangelove for a night when you want to laugh at the end of the world!"
)


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
