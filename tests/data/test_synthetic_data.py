"""The synthetic MovieLens generator: exact ML-1M format, realistic shape, real latent structure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InvalidInput
from pipeline.synthetic import generate_movielens


def read_ratings(folder: Path) -> np.ndarray:
    """ratings.dat as an (n, 4) int array, parsed strictly: exactly four '::' fields a line."""
    lines = (folder / "ratings.dat").read_bytes().decode("latin-1").splitlines()
    rows = [line.split("::") for line in lines]
    assert all(len(row) == 4 for row in rows)
    return np.array(rows, dtype=np.int64)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About as sparse as ML-1M (4.5% of pairs rated)."""
    return generate_movielens(tmp_path_factory.mktemp("gen") / "ml", 1_500, 800, 60_000, seed=3)


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dense enough (50%) to fit a factor model per user within the test."""
    return generate_movielens(tmp_path_factory.mktemp("dense") / "ml", 400, 150, 30_000, seed=3)


def test_counts_and_unique_pairs(generated: Path) -> None:
    ratings = read_ratings(generated)
    assert len(ratings) == 60_000
    pairs = ratings[:, 0] * 1_000 + ratings[:, 1]
    assert len(np.unique(pairs)) == len(pairs)
    assert set(np.unique(ratings[:, 0])) == set(range(1, 1_501))
    assert 1 <= ratings[:, 1].min() and ratings[:, 1].max() <= 800


def test_every_user_has_at_least_20_ratings_and_activity_is_heavy_tailed(generated: Path) -> None:
    per_user = np.bincount(read_ratings(generated)[:, 0])[1:]
    assert per_user.min() >= 20
    assert per_user.max() > 3 * np.median(per_user)


def test_movie_popularity_is_heavy_tailed(generated: Path) -> None:
    per_movie = np.sort(np.bincount(read_ratings(generated)[:, 1], minlength=801)[1:])[::-1]
    top_tenth_share = per_movie[:80].sum() / per_movie.sum()
    assert top_tenth_share > 0.3  # uniform popularity would give 0.10 (ML-1M: 0.36)


def test_stars_are_whole_1_to_5_with_a_movielens_like_mean(generated: Path) -> None:
    stars = read_ratings(generated)[:, 2]
    assert set(np.unique(stars)) == {1, 2, 3, 4, 5}
    assert 3.4 < stars.mean() < 3.8  # ML-1M: 3.58


def test_timestamps_increase_line_by_line_within_each_user(generated: Path) -> None:
    ratings = read_ratings(generated)
    same_user = ratings[1:, 0] == ratings[:-1, 0]
    assert (np.diff(ratings[:, 3])[same_user] > 0).all()
    assert (np.diff(ratings[:, 0]) >= 0).all()  # grouped by user, like ML-1M


def test_stars_have_latent_structure_beyond_biases(dense: Path) -> None:
    """A rank-8 factor model fitted on 80% predicts the other 20% better than biases alone."""
    ratings = read_ratings(dense)
    rng = np.random.default_rng(0)
    test = rng.random(len(ratings)) < 0.2
    users, movies, stars = ratings[:, 0] - 1, ratings[:, 1] - 1, ratings[:, 2].astype(float)
    train = ~test
    mean = stars[train].mean()
    user_bias = np.zeros(400)
    movie_bias = np.zeros(150)
    for _ in range(10):  # alternating regularised biases
        residual = stars[train] - mean - movie_bias[movies[train]]
        user_bias = np.bincount(users[train], residual, 400) / (
            np.bincount(users[train], None, 400) + 5
        )
        residual = stars[train] - mean - user_bias[users[train]]
        movie_bias = np.bincount(movies[train], residual, 150) / (
            np.bincount(movies[train], None, 150) + 5
        )
    residual = stars - mean - user_bias[users] - movie_bias[movies]
    p = rng.normal(0, 0.1, (400, 8))
    q = rng.normal(0, 0.1, (150, 8))
    for _ in range(15):  # alternating least squares on the training residuals
        for factors, other, rows, cols in ((p, q, users, movies), (q, p, movies, users)):
            for index in range(len(factors)):
                mask = train & (rows == index)
                x = other[cols[mask]]
                factors[index] = np.linalg.solve(x.T @ x + 8 * np.eye(8), x.T @ residual[mask])
    bias_rmse = np.sqrt(np.mean(residual[test] ** 2))
    factor_rmse = np.sqrt(
        np.mean((residual[test] - np.sum(p[users[test]] * q[movies[test]], 1)) ** 2)
    )
    global_rmse = np.sqrt(np.mean((stars[test] - mean) ** 2))
    assert bias_rmse < 0.95 * global_rmse
    assert factor_rmse < 0.97 * bias_rmse


def test_same_seed_same_bytes_other_seed_other_ratings(tmp_path: Path) -> None:
    first = generate_movielens(tmp_path / "a", 60, 40, 2_000, seed=7)
    second = generate_movielens(tmp_path / "b", 60, 40, 2_000, seed=7)
    third = generate_movielens(tmp_path / "c", 60, 40, 2_000, seed=8)
    for name in ("ratings.dat", "users.dat", "movies.dat"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / "ratings.dat").read_bytes() != (third / "ratings.dat").read_bytes()


def test_users_and_movies_files_are_in_ml1m_format(generated: Path) -> None:
    users = (generated / "users.dat").read_bytes().decode("latin-1").splitlines()
    assert len(users) == 1_500
    for line in users:
        user_id, gender, age, occupation, zip_code = line.split("::")
        assert gender in {"M", "F"} and int(age) in {1, 18, 25, 35, 45, 50, 56}
        assert 0 <= int(occupation) <= 20 and len(zip_code) == 5
    movies = (generated / "movies.dat").read_bytes().decode("latin-1").splitlines()
    assert [int(line.split("::")[0]) for line in movies] == list(range(1, 801))
    assert all(line.split("::")[1].endswith(")") for line in movies)


def test_dense_request_fills_every_pair(tmp_path: Path) -> None:
    ratings = read_ratings(generate_movielens(tmp_path, 10, 8, 80, seed=1))
    assert len(np.unique(ratings[:, 0] * 100 + ratings[:, 1])) == 80


def test_more_ratings_than_pairs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="1,000 ratings do not fit 10 users x 20 movies"):
        generate_movielens(tmp_path, 10, 20, 1_000)


def test_watchit_generate_over_given_users_and_movies_files_loads(
    runner: CliRunner, movielens_dir: Callable[..., Path], tmp_path: Path
) -> None:
    real = movielens_dir()  # stands in for the real ML-1M users.dat / movies.dat
    out = tmp_path / "generated"
    result = runner.invoke(
        app,
        [
            "generate",
            "--out",
            str(out),
            "--ratings",
            "18",
            "--users-file",
            str(real / "users.dat"),
            "--movies-file",
            str(real / "movies.dat"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    for name in ("users.dat", "movies.dat"):  # copied byte for byte (latin-1 title included)
        assert (out / name).read_bytes() == (real / name).read_bytes()
    ratings = read_ratings(out)
    assert len(ratings) == 18
    assert set(ratings[:, 0]) <= {1, 2, 3, 4} and set(ratings[:, 1]) <= {1, 2, 3, 4, 5}
    loaded = runner.invoke(
        app, ["--warehouse", str(tmp_path / "w.duckdb"), "load", "--data-dir", str(out)]
    )
    assert loaded.exit_code == 0, loaded.output


def test_watchit_generate_refuses_impossible_sizes(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["generate", "--out", str(tmp_path), "--users", "3", "--movies", "4", "--ratings", "13"],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 13 ratings do not fit 3 users x 4 movies (each pair is rated at most once). "
        "Hint: ask for fewer ratings or more users/movies.\n"
    )
