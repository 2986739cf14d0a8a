"""watchit signup: bad input writes nothing; ratings move recommendations to CF; interactive mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cluster_cli import invoke_ok
from cluster_data import ACTION_MOVIES
from typer.testing import CliRunner

from pipeline import signup
from pipeline import warehouse as wh
from pipeline.cli import app

PROFILE = ["--name", "Ada", "--age", "30", "--gender", "M", "--occupation", "programmer"]


def app_counts(path: Path) -> tuple[int, int]:
    con = wh.connect(path, read_only=True)
    try:
        if not wh.object_exists(con, "app.users"):
            return 0, 0
        ((users, ratings),) = con.execute(
            "select (select count(*) from app.users), (select count(*) from app.ratings)"
        ).fetchall()
        return users, ratings
    finally:
        con.close()


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "changes, message",
    [
        (["--occupation", "astronaut"], "Error: unknown occupation 'astronaut'. Hint: use one of:"),
        (["--age", "0"], "Error: age must be a whole number from 1 to 120, got 0."),
        (["--age", "121"], "Error: age must be a whole number from 1 to 120, got 121."),
        (["--name", "  \x07 "], "Error: name must not be empty"),
        (["--gender", "X"], "Error: gender must be M or F, got 'X'."),
    ],
)
def test_bad_profile_writes_nothing(
    planted_warehouse: Callable[..., Path],
    runner: CliRunner,
    changes: list[str],
    message: str,
) -> None:
    path = planted_warehouse()
    invoke_ok(runner, path, "signup", *PROFILE, input="\n" * 10)  # one good sign-up first
    before = app_counts(path)
    arguments = PROFILE.copy()
    arguments[arguments.index(changes[0]) + 1] = changes[1]
    result = runner.invoke(app, ["--warehouse", str(path), "signup", *arguments], input="5\n" * 10)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith(message)
    assert app_counts(path) == before


@pytest.mark.parametrize(
    "lines, message",
    [
        (["movie_id,rating", "1,5", "99999,4"], "line 3: no movie with id 99999."),
        (["movie_id,rating", "1,6"], "line 2: rating must be 1 to 5, got 6."),
        (["1,5", "2,four"], "line 2: movie_id and rating must be whole numbers, got '2,four'"),
        (["1,5", "1,4"], "line 2: movie 1 is rated twice."),
        (["1,5,7"], "line 1: expected 2 fields movie_id,rating, got 3"),
    ],
)
def test_bad_ratings_file_writes_nothing(
    planted_warehouse: Callable[..., Path],
    runner: CliRunner,
    tmp_path: Path,
    lines: list[str],
    message: str,
) -> None:
    path = planted_warehouse()
    ratings = write_csv(tmp_path / "mine.csv", lines)
    result = runner.invoke(
        app, ["--warehouse", str(path), "signup", *PROFILE, "--ratings", str(ratings)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"Error: {ratings} {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert app_counts(path) == (0, 0)


def test_ratings_move_recommendations_from_demographic_to_cf(
    planted_warehouse: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    path = planted_warehouse()
    # This man (a "programmer", whose group likes action) loves romance: CF must follow him.
    romance = [f"{movie_id},5" for movie_id in range(21, 21 + signup.MIN_RATINGS_FOR_CF)]
    few = write_csv(tmp_path / "few.csv", ["movie_id,rating", *romance[:2]])
    many = write_csv(tmp_path / "many.csv", ["movie_id,rating", *romance])

    out_few = invoke_ok(runner, path, "signup", *PROFILE, "--ratings", str(few), "-f", "json")
    out_many = invoke_ok(runner, path, "signup", *PROFILE, "--ratings", str(many), "-f", "json")
    import json

    few_rows, many_rows = json.loads(out_few), json.loads(out_many)
    assert {row["method"] for row in few_rows} == {"demographic"}
    assert {row["movie_id"] for row in few_rows} <= set(ACTION_MOVIES)
    assert {row["method"] for row in many_rows} >= {"item_cf"}
    cf_rows = [row for row in many_rows if row["method"] == "item_cf"]
    assert cf_rows and all(row["movie_id"] >= 21 for row in cf_rows)
    assert all(
        row["movie_id"] not in range(21, 21 + signup.MIN_RATINGS_FOR_CF) for row in many_rows
    )
    assert cf_rows[0]["explanation"].startswith("liked by ")
    assert [row["rank"] for row in many_rows] == list(range(1, len(many_rows) + 1))

    con = wh.connect(path, read_only=True)
    try:
        users = con.execute("select user_id, name from app.users order by user_id").fetchall()
        stored = con.execute(
            "select user_id, count(*) from app.ratings group by user_id order by user_id"
        ).fetchall()
        ((largest_movielens,),) = con.execute(
            "select max(user_id) from staging.stg_users"
        ).fetchall()
    finally:
        con.close()
    assert [user_id for user_id, _ in users] == [largest_movielens + 1, largest_movielens + 2]
    assert stored == [(users[0][0], 2), (users[1][0], signup.MIN_RATINGS_FOR_CF)]


def test_interactive_signup_asks_well_known_diverse_movies(
    planted_warehouse: Callable[..., Path], runner: CliRunner
) -> None:
    path = planted_warehouse()
    answers = "5\n\nskip\n7\n4\n" + "\n" * 10  # rate, skip, skip, bad answer then 4, skip rest
    result = runner.invoke(
        app, ["--warehouse", str(path), "signup", *PROFILE, "--zip", "10001"], input=answers
    )
    assert result.exit_code == 0, result.stderr
    assert "Please answer 1-5" in result.stderr
    assert "Signed up 'Ada' as user 41 with 2 rating(s)." in result.stderr
    assert "Recommendations for user 41" in result.stdout
    con = wh.connect(path, read_only=True)
    try:
        shown = signup.onboarding_movies(con)
        stored = con.execute("select movie_id, rating from app.ratings order by rating").fetchall()
        user = con.execute("select zip_code, zip_region, age_bucket_code from app.users").fetchall()
    finally:
        con.close()
    assert len(shown) == signup.ONBOARDING_QUESTIONS
    # Both taste blocks are represented (diverse genres), most-rated first.
    assert {movie_id <= 20 for movie_id, _ in shown} == {True, False}
    assert stored == [(shown[3][0], 4), (shown[0][0], 5)]
    assert user == [("10001", "1", 25)]


def test_names_are_cleaned_and_limited() -> None:
    assert signup.clean_name("  Ada\x00 \x1b[31mLovelace\u200b ") == "Ada [31mLovelace"
    assert len(signup.clean_name("x" * 500)) == signup.MAX_NAME_LENGTH
    with pytest.raises(Exception, match="name must not be empty"):
        signup.clean_name("\n\t")


def test_sign_ups_survive_a_reload(
    planted_warehouse: Callable[..., Path], runner: CliRunner, movielens_dir: Callable[..., Path]
) -> None:
    path = planted_warehouse()
    invoke_ok(runner, path, "signup", *PROFILE, input="4\n" * 10)
    from cluster_data import MOVIES, USERS, planted_ratings

    folder = movielens_dir(name="again", ratings=planted_ratings(), movies=MOVIES, users=USERS)
    invoke_ok(runner, path, "load", "--data-dir", str(folder))
    assert app_counts(path) == (1, 10)


def test_signup_before_watchit_cluster_writes_nothing(warehouse: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["--warehouse", str(warehouse), "signup", *PROFILE],
        input="5\n" * 10,
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the warehouse has no marts.demographic_groups, "
        "marts.demographic_popular_movies. Hint: run `watchit cluster` first."
    )
    assert app_counts(warehouse) == (0, 0)
