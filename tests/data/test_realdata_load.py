"""Real MovieLens files through `watchit load`: ML-100K in full, and the real ML-1M users.dat and
movies.dat with generated ratings (the real ratings.dat is not available here)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import warehouse as wh
from pipeline.cli import app
from pipeline.synthetic import generate_movielens

pytestmark = pytest.mark.realdata


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(warehouse: Path, data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["--warehouse", str(warehouse), "load", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def ml100k_warehouse(ml100k_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ml100k") / "warehouse.duckdb"
    load(path, ml100k_dir)
    return path


@pytest.fixture(scope="module")
def ml1m_generated_dir(ml1m_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_movielens(
        tmp_path_factory.mktemp("ml1m") / "ml-1m",
        n_users=0,
        n_movies=0,
        n_ratings=150_000,
        seed=0,
        users_file=ml1m_dir / "users.dat",
        movies_file=ml1m_dir / "movies.dat",
    )


@pytest.fixture(scope="module")
def ml1m_warehouse(ml1m_generated_dir: Path) -> Path:
    path = ml1m_generated_dir.parent / "warehouse.duckdb"
    load(path, ml1m_generated_dir)
    return path


def one(warehouse: Path, query: str) -> tuple:
    con = wh.connect(warehouse)
    try:
        row = con.execute(query).fetchone()
    finally:
        con.close()
    assert row is not None
    return row


def test_ml100k_counts_match_the_readme(ml100k_warehouse: Path) -> None:
    assert one(
        ml100k_warehouse,
        "select (select count(*) from staging.stg_ratings), (select count(*) from staging.stg_users),"
        " (select count(*) from staging.stg_movies), (select layout from meta.datasets)",
    ) == (100_000, 943, 1_682, "ml-100k")
    minimum, low, high, mean = one(
        ml100k_warehouse,
        "select min(count_ratings), (select min(rating) from staging.stg_ratings),"
        " (select max(rating) from staging.stg_ratings),"
        " (select round(avg(rating), 5) from staging.stg_ratings)"
        " from (select count(*) as count_ratings from staging.stg_ratings group by user_id)",
    )
    assert minimum >= 20 and (low, high) == (1, 5) and mean == pytest.approx(3.52986)


def test_ml100k_exact_ages_map_to_ml1m_buckets(ml100k_warehouse: Path) -> None:
    # u.user line 1 is "1|24|M|technician|85711"; 24 falls in ML-1M's 18-24 bucket (code 18).
    assert one(
        ml100k_warehouse,
        "select age_years, age_bucket_code, gender, occupation, zip_region"
        " from staging.stg_users where user_id = 1",
    ) == (24, 18, "M", "technician", "8")
    bad = one(
        ml100k_warehouse,
        "select count(*) from staging.stg_users as users"
        " inner join staging.stg_age_buckets as buckets using (age_bucket_code)"
        " where users.age_years not between buckets.min_age and buckets.max_age",
    )
    assert bad == (0,)
    assert one(
        ml100k_warehouse,
        "select count(*) from staging.stg_users where age_bucket_code is null",
    ) == (0,)


def test_ml100k_genres_and_release_years(ml100k_warehouse: Path) -> None:
    con = wh.connect(ml100k_warehouse)
    try:
        toy_story = con.execute(
            "select genre from staging.stg_movie_genres where movie_id = 1 order by genre"
        ).fetchall()
        genres = {
            genre
            for (genre,) in con.execute(
                "select distinct genre from staging.stg_movie_genres"
            ).fetchall()
        }
        years = con.execute(
            "select min(release_year), max(release_year), count(*) filter (where release_year is null)"
            " from staging.stg_movies"
        ).fetchone()
    finally:
        con.close()
    assert [genre for (genre,) in toy_story] == ["Animation", "Children's", "Comedy"]
    assert {"Film-Noir", "Sci-Fi", "Children's", "Western"} <= genres <= {
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
        "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
        "Romance", "Sci-Fi", "Thriller", "War", "Western",
    }  # fmt: skip
    assert years[0] >= 1920 and years[1] == 1998 and years[2] <= 2  # item 267 has no title


def test_ml100k_build_info_records_input_checksums(
    ml100k_warehouse: Path, ml100k_dir: Path
) -> None:
    (checksums,) = one(
        ml100k_warehouse, "select input_checksums from meta.build_info where step = 'load'"
    )
    recorded = json.loads(checksums)
    assert recorded["u.data"] == "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490"
    for name in ("u.data", "u.user", "u.item", "u.genre", "u.occupation"):
        assert recorded[name] == sha256(ml100k_dir / name)


def test_real_ml1m_users_and_movies_with_generated_ratings(ml1m_warehouse: Path) -> None:
    assert one(
        ml1m_warehouse,
        "select (select count(*) from staging.stg_users), (select count(*) from staging.stg_movies),"
        " (select count(*) from staging.stg_ratings), (select layout from meta.datasets)",
    ) == (6_040, 3_883, 150_000, "ml-1m")
    assert one(
        ml1m_warehouse,
        "select gender, age_bucket_code, occupation from staging.stg_users where user_id = 1",
    ) == ("F", 1, "K-12 student")
    assert one(
        ml1m_warehouse,
        "select count(*) from staging.stg_movies where title = 'Misérables, Les (1995)'",
    ) == (1,)
    assert one(
        ml1m_warehouse,
        "select min(count_ratings) from (select count(*) as count_ratings"
        " from staging.stg_ratings group by user_id)",
    ) >= (20,)


def test_ml1m_build_info_records_the_real_files_checksums(
    ml1m_warehouse: Path, ml1m_generated_dir: Path
) -> None:
    (checksums,) = one(
        ml1m_warehouse, "select input_checksums from meta.build_info where step = 'load'"
    )
    recorded = json.loads(checksums)
    # The sha256 of GroupLens' users.dat and movies.dat (shared/data/README.md): copied unchanged.
    assert (
        recorded["users.dat"] == "1dc3a95300cb19f7c10e027daf29b8cdf1d908dab65b5edfb45950aa389a10a3"
    )
    assert (
        recorded["movies.dat"] == "0140fc2356357c1a851d0f52e893a1e4d3696df632c4141cea8d5bc3d621f0b9"
    )
    assert recorded["ratings.dat"] == sha256(ml1m_generated_dir / "ratings.dat")
