"""Shared fixtures: tiny MovieLens folders in exact ML-1M format, fresh warehouses, real-data paths."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

os.environ.pop("WATCHIT_WAREHOUSE", None)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Hard cases on purpose: a latin-1 title, a title with ':', the genre "Children's",
# a movie nobody rated (5), a user with a single rating (4).
DEFAULT_MOVIES = [
    (1, "Toy Story (1995)", "Animation|Children's|Comedy"),
    (2, "Misérables, Les (1995)", "Drama|Musical"),
    (3, "Star Wars: Episode IV - A New Hope (1977)", "Action|Adventure|Sci-Fi"),
    (4, "Alien (1979)", "Horror|Sci-Fi"),
    (5, "Nobody Rated This (1990)", "Documentary"),
]
DEFAULT_USERS = [
    (1, "F", 1, 10, "48067"),
    (2, "M", 56, 16, "70072"),
    (3, "M", 25, 15, "55117"),
    (4, "F", 45, 7, "02460"),
]
DEFAULT_RATINGS = [
    (1, 1, 5, 978300760),
    (1, 2, 3, 978302109),
    (1, 3, 4, 978301968),
    (2, 1, 4, 978298413),
    (2, 3, 5, 978299026),
    (2, 4, 2, 978299000),
    (3, 1, 3, 978297867),
    (3, 2, 4, 978298709),
    (3, 4, 5, 978298147),
    (4, 3, 4, 978294008),
]

Rows = Sequence[Sequence[object]]


def write_movielens_dir(
    folder: Path,
    ratings: Rows = DEFAULT_RATINGS,
    movies: Rows = DEFAULT_MOVIES,
    users: Rows = DEFAULT_USERS,
) -> Path:
    """Write ratings.dat, movies.dat and users.dat exactly as ML-1M does (:: separated, latin-1)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("ratings.dat", ratings), ("movies.dat", movies), ("users.dat", users)):
        text = "".join("::".join(str(field) for field in row) + "\n" for row in rows)
        (folder / name).write_bytes(text.encode("latin-1"))
    return folder


@pytest.fixture
def movielens_dir(tmp_path: Path) -> Callable[..., Path]:
    """Factory: movielens_dir(ratings=..., movies=..., users=..., name=...) -> folder path."""

    def make(name: str = "ml-1m", **rows: Rows) -> Path:
        return write_movielens_dir(tmp_path / name, **rows)

    return make


@pytest.fixture
def runner() -> CliRunner:
    # Wide terminal so rich never wraps an error message or a table cell in CLI tests.
    return CliRunner(env={"COLUMNS": "3000", "WATCHIT_WAREHOUSE": None})


@pytest.fixture
def warehouse(tmp_path: Path, movielens_dir: Callable[..., Path]) -> Path:
    """A freshly loaded warehouse file built from the default tiny dataset."""
    from pipeline import load, sqlfiles
    from pipeline import warehouse as wh

    path = tmp_path / "warehouse.duckdb"
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, movielens_dir()))
    return path


def real_data_dir(variable: str, default_hint: str) -> Path:
    """The folder named by `variable`; skip outside CI when missing, fail in CI."""
    value = os.environ.get(variable)
    path = Path(value) if value else None
    if path is None or not path.is_dir():
        message = f"real dataset not found: ${variable}={value!r} (e.g. {default_hint})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def ml100k_dir() -> Path:
    return real_data_dir("WATCHIT_ML100K", "../shared/data/ml-100k")


@pytest.fixture(scope="session")
def ml1m_dir() -> Path:
    """Real ML-1M folder; here it has users.dat and movies.dat but no ratings.dat."""
    return real_data_dir("WATCHIT_ML1M", "../shared/data/ml-1m")
