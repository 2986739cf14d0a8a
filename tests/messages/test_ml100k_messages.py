"""Messages on the real ML-100K data: offline messages name only recommended titles."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from message_wire import CASES
from typer.testing import CliRunner
from werkzeug import Request, Response

from pipeline import messages
from pipeline import warehouse as wh
from pipeline.cli import app
from pipeline.llm import guard

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def ml100k_warehouse(ml100k_dir: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ml100k") / "warehouse.duckdb"
    runner = CliRunner()
    for arguments in (["load", "--data-dir", str(ml100k_dir)], ["build"]):
        result = runner.invoke(app, ["--warehouse", str(path), *arguments])
        assert result.exit_code == 0, result.output
    return path


def recommendations(path: Path, user_ids: list[int], count: int = 5):
    con = wh.connect(path, read_only=True)
    try:
        return messages.requests_for_users(con, user_ids, "hybrid", count), messages.load_catalogue(
            con
        )
    finally:
        con.close()


def test_message_for_user_1_names_only_recommended_titles(ml100k_warehouse: Path) -> None:
    result = CliRunner().invoke(
        app, ["--warehouse", str(ml100k_warehouse), "message", "--user", "1"]
    )
    assert result.exit_code == 0, result.output
    message = result.stdout.split("\n\n")[0]
    (request,), catalogue = recommendations(ml100k_warehouse, [1])
    verdict = guard.check(
        message,
        [m.movie_id for m in request.movies],
        catalogue,
        ignore_words=messages.ignore_words(request),
    )
    assert verdict.ok, verdict.problems
    assert len(verdict.mentioned_ids) >= 2
    assert set(verdict.mentioned_ids) <= {m.movie_id for m in request.movies}
    assert "technician in the 18-24 age group" in message  # ML-100K user 1: 24, technician


def test_a_batch_of_100_users_passes_the_guard(ml100k_warehouse: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "--warehouse",
            str(ml100k_warehouse),
            "message",
            "--all",
            "--limit",
            "100",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    stored = {record["user_id"]: record for record in json.loads(result.stdout)}
    assert sorted(stored) == list(range(1, 101))
    requests, catalogue = recommendations(ml100k_warehouse, list(range(1, 101)))
    for request in requests:
        text = stored[request.user_id]["message"]
        verdict = guard.check(
            text,
            [m.movie_id for m in request.movies],
            catalogue,
            ignore_words=messages.ignore_words(request),
        )
        assert verdict.ok, (request.user_id, verdict.problems, text)
    con = duckdb.connect(str(ml100k_warehouse), read_only=True)
    try:
        assert con.execute(
            "select count(*) from app.recommendation_messages where source = 'offline'"
        ).fetchone() == (100,)
    finally:
        con.close()


def test_the_model_sees_the_real_recommendations(ml100k_warehouse: Path, llm_server) -> None:
    case = CASES[0]
    seen: list[dict] = []

    def handler(request: Request) -> Response:
        seen.append(json.loads(request.get_data(as_text=True)))
        # User 1 rated Toy Story, so it can never be among their recommendations.
        reply = "Hi there! We picked Toy Story for you. Enjoy it tonight!"
        return Response(json.dumps(case.reply(reply)), content_type="application/json")

    llm_server.expect_request(case.path, method="POST").respond_with_handler(handler)
    result = CliRunner().invoke(
        app,
        [
            "--warehouse",
            str(ml100k_warehouse),
            "message",
            "--user",
            "1",
            "--provider",
            "ollama",
            "--llm-url",
            llm_server.url_for(""),
            "--max-attempts",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    (request,), _ = recommendations(ml100k_warehouse, [1])
    user_prompt = seen[0]["messages"][1]["content"]
    for movie in request.movies:
        assert messages.display_title(movie.title) in user_prompt
    assert "- Occupation: technician" in user_prompt and "- Age group: 18-24" in user_prompt
    assert "Toy Story" not in {messages.display_title(m.title) for m in request.movies}
    assert "source: fallback" in result.stdout
    assert "names movies that were not recommended: Toy Story (1995)" in result.stdout
    assert "Toy Story" not in result.stdout.split("\n\n")[0]
    assert len(seen) == 1
