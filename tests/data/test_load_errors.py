"""Issue 2: every kind of bad input through `watchit load` gives one `Error:` line naming the file
and line, exit code 1, and leaves the previous warehouse byte-for-byte untouched."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from movielens_files import DEFAULT_MOVIES, DEFAULT_RATINGS, DEFAULT_USERS, write_movielens_dir
from typer.testing import CliRunner

from pipeline.cli import app


@pytest.fixture(scope="module")
def previous_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good warehouse loaded once; every failing load below must leave it as it is."""
    root = tmp_path_factory.mktemp("previous")
    path = root / "warehouse.duckdb"
    result = CliRunner().invoke(
        app,
        ["--warehouse", str(path), "load", "--data-dir", str(write_movielens_dir(root / "good"))],
    )
    assert result.exit_code == 0, result.output
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_line(rows: list, index: int, line: str) -> list:
    """Rows with the 0-based `index` replaced by a raw line (a 1-tuple is written as is)."""
    changed = list(rows)
    changed[index] = (line,)
    return changed


# (case id, files to write {name: rows | raw bytes}, expected message after "Error: <folder>/").
CASES: list[tuple[str, dict[str, object], str]] = [
    (
        "wrong-field-count",
        {"ratings.dat": with_line(DEFAULT_RATINGS, 4, "17::260::4")},
        "ratings.dat line 5: expected 4 '::'-separated fields, got 3: \"17::260::4\"",
    ),
    (
        "non-numeric-user-id",
        {"ratings.dat": with_line(DEFAULT_RATINGS, 2, "one::3::4::978301968")},
        'ratings.dat line 3: user_id is not a whole number: "one::3::4::978301968"',
    ),
    (
        "non-numeric-movie-id",
        {"movies.dat": with_line(DEFAULT_MOVIES, 1, "2x::Heat (1995)::Action")},
        'movies.dat line 2: movie_id is not a whole number: "2x::Heat (1995)::Action"',
    ),
    (
        "rating-above-5",
        {"ratings.dat": with_line(DEFAULT_RATINGS, 6, "3::1::6::978297867")},
        'ratings.dat line 7: rating outside 1..5: "3::1::6::978297867"',
    ),
    (
        "rating-0",
        {"ratings.dat": with_line(DEFAULT_RATINGS, 0, "1::1::0::978300760")},
        'ratings.dat line 1: rating outside 1..5: "1::1::0::978300760"',
    ),
    (
        "half-star-rating",  # DuckDB's own cast rounds "4.5" to 5
        {"ratings.dat": with_line(DEFAULT_RATINGS, 0, "1::1::4.5::978300760")},
        'ratings.dat line 1: rating is not a whole number: "1::1::4.5::978300760"',
    ),
    (
        "exponent-id",  # DuckDB's own cast reads "1e3" as 1000
        {"ratings.dat": with_line(DEFAULT_RATINGS, 3, "2::1e3::4::978298413")},
        'ratings.dat line 4: movie_id is not a whole number: "2::1e3::4::978298413"',
    ),
    (
        "negative-timestamp",
        {"ratings.dat": with_line(DEFAULT_RATINGS, 3, "2::1::4::-978298413")},
        'ratings.dat line 4: negative timestamp: "2::1::4::-978298413"',
    ),
    (
        "duplicate-user-movie",
        {"ratings.dat": [*DEFAULT_RATINGS, (2, 3, 1, 978299999)]},
        'ratings.dat line 11: duplicate user_id and movie_id: "2::3::1::978299999"',
    ),
    (
        "unknown-user",
        {"ratings.dat": [*DEFAULT_RATINGS, (99, 1, 4, 978299999)]},
        "ratings.dat line 11: user_id 99 is not in users.dat",
    ),
    (
        "unknown-movie",
        {"ratings.dat": [*DEFAULT_RATINGS, (1, 4242, 4, 978299999)]},
        "ratings.dat line 11: movie_id 4242 is not in movies.dat",
    ),
    (
        "duplicate-user-id",
        {"users.dat": [*DEFAULT_USERS, (2, "F", 18, 3, "10001")]},
        'users.dat line 5: duplicate user_id: "2::F::18::3::10001"',
    ),
    (
        "utf16-file",
        {"movies.dat": "1::Toy Story (1995)::Comedy\n".encode("utf-16")},
        "movies.dat line 1: not a latin-1 text file (NUL bytes; UTF-16 or binary?).",
    ),
    (
        "nul-byte",
        {"ratings.dat": b"1::1::5::978300760\n1::2::3\x00::978302109\n"},
        "ratings.dat line 2: not a latin-1 text file (NUL bytes; UTF-16 or binary?).",
    ),
    (
        "utf8-reencoded-titles",
        {
            "movies.dat": "".join("::".join(map(str, row)) + "\n" for row in DEFAULT_MOVIES).encode(
                "utf-8"
            )
        },
        "movies.dat line 2: text is UTF-8 encoded, but MovieLens files are latin-1.",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_exit_1_and_the_warehouse_is_untouched(
    runner: CliRunner, previous_warehouse: Path, tmp_path: Path, files: dict, expected: str
) -> None:
    folder = write_movielens_dir(tmp_path / "ml-1m")
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            write_movielens_dir(tmp_path / "rows", **{name.removesuffix(".dat"): content})
            (folder / name).write_bytes((tmp_path / "rows" / name).read_bytes())
    before = digest(previous_warehouse)

    result = runner.invoke(
        app, ["--warehouse", str(previous_warehouse), "load", "--data-dir", str(folder)]
    )

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder}/{expected}")
    assert result.stderr.count("\n") == 1, result.stderr
    assert digest(previous_warehouse) == before
    assert not previous_warehouse.with_name(previous_warehouse.name + ".tmp").exists()


@pytest.mark.parametrize("missing", ["ratings.dat", "users.dat", "movies.dat"])
def test_missing_file_is_named(
    runner: CliRunner, previous_warehouse: Path, tmp_path: Path, missing: str
) -> None:
    folder = write_movielens_dir(tmp_path / "ml-1m")
    (folder / missing).unlink()
    before = digest(previous_warehouse)
    result = runner.invoke(
        app, ["--warehouse", str(previous_warehouse), "load", "--data-dir", str(folder)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder / missing} not found. "
        f"Hint: unzip the ml-1m archive into {folder} or pass --data-dir.\n"
    )
    assert digest(previous_warehouse) == before


def test_missing_folder_is_named(
    runner: CliRunner, previous_warehouse: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["--warehouse", str(previous_warehouse), "load", "--data-dir", str(tmp_path / "nope")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'nope'} is not a folder.")


def test_many_bad_lines_report_the_first_and_count_the_rest(
    runner: CliRunner, previous_warehouse: Path, tmp_path: Path
) -> None:
    ratings: list = [*DEFAULT_RATINGS, (1, 4, 9, 1), (2, 2, 0, 1), (3, 3, 7, 1)]
    folder = write_movielens_dir(tmp_path / "ml-1m", ratings=ratings)
    result = runner.invoke(
        app, ["--warehouse", str(previous_warehouse), "load", "--data-dir", str(folder)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f'Error: {folder}/ratings.dat line 11: rating outside 1..5: "1::4::9::1" '
        "(2 more bad lines after it)\n"
    )


def test_good_reload_after_failures_replaces_the_warehouse(
    runner: CliRunner, previous_warehouse: Path, movielens_dir: Callable[..., Path]
) -> None:
    """Guards against the failures above passing only because the file is never writable."""
    before = digest(previous_warehouse)
    folder = movielens_dir(ratings=DEFAULT_RATINGS[:-1])
    result = runner.invoke(
        app, ["--warehouse", str(previous_warehouse), "load", "--data-dir", str(folder)]
    )
    assert result.exit_code == 0, result.stderr
    assert digest(previous_warehouse) != before
    result = runner.invoke(
        app,
        [
            "--warehouse",
            str(previous_warehouse),
            "sql",
            "select count(*) as n from raw.ratings",
            "--format",
            "csv",
        ],
    )
    assert result.stdout == "n\n9\n"
