"""`watchit recommend`, `similar`, `predict` and `search-movies` on a tiny built warehouse:
exit codes and messages, including bad input."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from serving_helpers import build_serving_warehouse
from typer.testing import CliRunner

from pipeline.cli import app

MOVIES = [
    (1, "Toy Story (1995)", "Animation|Children's|Comedy"),
    (2, "Misérables, Les (1995)", "Drama|Musical"),
    (3, "Star Wars: Episode IV - A New Hope (1977)", "Action|Adventure|Sci-Fi"),
    (4, "Alien (1979)", "Horror|Sci-Fi"),
    (5, "Toy Story 2 (1999)", "Animation|Children's|Comedy"),
    (6, "Aliens (1986)", "Action|Sci-Fi"),
]
RATINGS = [
    (1, 1, 5), (1, 5, 5), (1, 3, 2), (1, 4, 1),
    (2, 1, 4), (2, 5, 5), (2, 3, 1), (2, 4, 2), (2, 6, 1),
    (3, 1, 1), (3, 5, 2), (3, 3, 5), (3, 4, 5), (3, 6, 5), (3, 2, 3),
    (4, 1, 5), (4, 5, 4), (4, 2, 4),
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_serving_warehouse(tmp_path_factory.mktemp("serving_cli"), RATINGS, MOVIES)


def invoke(runner: CliRunner, warehouse: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--warehouse", str(warehouse), *args])


def test_recommend_user_prints_a_table_with_titles_and_explanations(
    runner: CliRunner, built: Path
) -> None:
    result = invoke(runner, built, "recommend", "--user", "4", "-n", "3")
    assert result.exit_code == 0, result.output
    assert "Recommendations for user 4 (hybrid)" in result.stdout
    assert "explanation" in result.stdout
    assert "Alien (1979)" in result.stdout or "Aliens (1986)" in result.stdout


def test_recommend_user_json_and_csv(runner: CliRunner, built: Path) -> None:
    result = invoke(
        runner, built, "recommend", "--user", "1", "--method", "item", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [record["rank"] for record in records] == list(range(1, len(records) + 1))
    assert {"movie_id", "title", "predicted_rating", "score", "explanation"} <= set(records[0])
    assert not {1, 5, 3, 4} & {record["movie_id"] for record in records}
    csv_result = invoke(runner, built, "recommend", "--user", "1", "--format", "csv", "-n", "1")
    assert csv_result.stdout.splitlines()[0].startswith("rank,movie_id,title,release_year")


def test_recommend_unknown_user_exits_1_with_hint(runner: CliRunner, built: Path) -> None:
    result = invoke(runner, built, "recommend", "--user", "999")
    assert result.exit_code == 1
    assert "Error: no user with id 999." in result.stderr
    assert "watchit recommend --age 25 --gender F --occupation programmer" in result.stderr


def test_recommend_unknown_method_is_a_usage_error(runner: CliRunner, built: Path) -> None:
    result = invoke(runner, built, "recommend", "--user", "1", "--method", "svd")
    assert result.exit_code == 2
    assert "svd" in result.stderr


def test_recommend_needs_exactly_one_target(runner: CliRunner, built: Path) -> None:
    none = invoke(runner, built, "recommend")
    assert none.exit_code == 1
    assert "Error: give one of --user, --all and --age/--gender/--occupation" in none.stderr
    both = invoke(runner, built, "recommend", "--user", "1", "--age", "30")
    assert both.exit_code == 1
    assert "choose only one of" in both.stderr
    partial = invoke(runner, built, "recommend", "--age", "30", "--gender", "F")
    assert partial.exit_code == 1
    assert "a new user needs --occupation as well" in partial.stderr


def test_recommend_new_user_validates_age_and_occupation(runner: CliRunner, built: Path) -> None:
    too_old = invoke(
        runner, built, "recommend", "--age", "130", "--gender", "F", "--occupation", "x"
    )
    assert too_old.exit_code == 2
    bad_job = invoke(
        runner, built, "recommend", "--age", "30", "--gender", "f", "--occupation", "astronaut"
    )
    assert bad_job.exit_code == 1
    assert "unknown occupation 'astronaut'" in bad_job.stderr
    assert "programmer" in bad_job.stderr  # the valid ones are listed


def test_recommend_all_writes_parquet_and_csv_for_every_user(
    runner: CliRunner, built: Path, tmp_path: Path
) -> None:
    for name in ("recs.parquet", "recs.csv"):
        target = tmp_path / name
        result = invoke(runner, built, "recommend", "--all", "--output", str(target), "-n", "2")
        assert result.exit_code == 0, result.output
        frame = pl.read_parquet(target) if name.endswith("parquet") else pl.read_csv(target)
        # User 3 rated all six movies, user 2 five: only what is left can be recommended.
        counts = frame.group_by("user_id").len().sort("user_id")
        assert counts["user_id"].to_list() == [1, 2, 4]
        assert counts["len"].to_list() == [2, 1, 2]
        assert not (tmp_path / (name + ".tmp")).exists()
        assert "Wrote 5 recommendations for 4 users" in result.stderr


def test_recommend_all_rejects_unknown_extension_before_work(
    runner: CliRunner, built: Path, tmp_path: Path
) -> None:
    result = invoke(runner, built, "recommend", "--all", "--output", str(tmp_path / "recs.xlsx"))
    assert result.exit_code == 1
    assert "cannot tell the format of" in result.stderr
    assert not (tmp_path / "recs.xlsx").exists()


def test_similar_finds_the_title_ignoring_case_and_accents(runner: CliRunner, built: Path) -> None:
    result = invoke(runner, built, "similar", "--movie", "MISERABLES")
    assert result.exit_code == 0, result.output
    assert "Movies similar to Misérables, Les (1995)" in result.stdout
    search = invoke(runner, built, "search-movies", "misérables", "--format", "csv")
    assert '2,"Misérables, Les (1995)"' in search.stdout


def test_similar_ambiguous_title_uses_the_most_rated_and_says_so(
    runner: CliRunner, built: Path
) -> None:
    result = invoke(runner, built, "similar", "--movie", "toy story", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "using the most rated, Toy Story (1995)" in result.stderr
    assert "Toy Story 2 (1999)" in result.stderr
    header, *rows = result.stdout.splitlines()
    assert header == "rank,movie_id,title,release_year,genres,similarity,count_common_raters"
    assert rows and rows[0].split(",")[1] == "5"  # Toy Story 2: rated alike by everyone


def test_similar_without_match_exits_1(runner: CliRunner, built: Path) -> None:
    result = invoke(runner, built, "similar", "--movie", "Godzilla")
    assert result.exit_code == 1
    assert 'Error: no movie title contains "Godzilla".' in result.stderr


def test_search_movies_lists_matches_most_rated_first(runner: CliRunner, built: Path) -> None:
    result = invoke(runner, built, "search-movies", "alien", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "movie_id,title,release_year,genres,count_ratings,mean_rating"
    assert [line.split(",")[1] for line in lines[1:]] == ["Alien (1979)", "Aliens (1986)"]
    percent = invoke(runner, built, "search-movies", "%")
    assert percent.exit_code == 1  # matched literally, not as a LIKE wildcard
    assert 'no movie title contains "%"' in percent.stderr


def test_predict_writes_predictions_with_fallback_flags(
    runner: CliRunner, built: Path, tmp_path: Path
) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("user_id,movie_id\n1,2\n999,1\n1,999\n1,2\n", encoding="utf-8")
    output = tmp_path / "preds.csv"
    result = invoke(runner, built, "predict", "--pairs", str(pairs), "--output", str(output))
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(output)
    assert frame.columns == ["user_id", "movie_id", "predicted_rating", "is_fallback"]
    assert frame["user_id"].to_list() == [1, 999, 1, 1]
    assert frame["is_fallback"].to_list()[1:3] == [True, True]
    assert frame["predicted_rating"].is_between(1, 5).all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("user,movie\n1,2\n", "line 1: header 'user,movie' lacks user_id, movie_id"),
        (
            "user_id,movie_id\n1,2\n1,abc\n",
            "line 3: movie_id must be a whole number >= 1, got 'abc'",
        ),
        ("user_id,movie_id\n1,2\n-4,2\n", "line 3: user_id must be a whole number >= 1, got '-4'"),
        ("user_id,movie_id\n1\n", "line 2: movie_id must be a whole number >= 1, got ''"),
        ("", "is empty; expected the header user_id,movie_id"),
    ],
)
def test_predict_rejects_malformed_pairs_naming_file_and_line(
    runner: CliRunner, built: Path, tmp_path: Path, content: str, message: str
) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(content, encoding="utf-8")
    output = tmp_path / "preds.csv"
    result = invoke(runner, built, "predict", "--pairs", str(pairs), "--output", str(output))
    assert result.exit_code == 1
    assert f"Error: {pairs}" in result.stderr
    assert message in result.stderr
    assert not output.exists()


def test_predict_missing_pairs_file(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    result = invoke(
        runner, built, "predict", "--pairs", str(tmp_path / "nope.csv"), "--output",
        str(tmp_path / "out.csv"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "nope.csv not found" in result.stderr


def test_commands_fail_clearly_before_build(runner: CliRunner, warehouse: Path) -> None:
    result = invoke(runner, warehouse, "recommend", "--user", "1")
    assert result.exit_code == 1
    assert "Hint: run `watchit build` first." in result.stderr


def test_recommend_new_user_before_clustering_points_to_watchit_cluster(
    runner: CliRunner, built: Path
) -> None:
    result = invoke(
        runner, built, "recommend", "--age", "30", "--gender", "F", "--occupation", "programmer"
    )
    assert result.exit_code == 1
    assert "watchit cluster" in result.stderr
