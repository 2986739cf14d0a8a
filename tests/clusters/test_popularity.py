"""Damped (Bayesian) popularity rankings and the demographic back-off, against hand-made answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pipeline import cluster_build, cold_start
from pipeline import warehouse as wh
from pipeline.errors import InvalidInput, WarehouseNotFound

# Movie 1: loved by few; movie 2: liked by many; movie 3: rated once (below min_ratings).
KNOWN_MOVIES = [
    (1, "Small Gem (1990)", "Drama"),
    (2, "Crowd Pleaser (1991)", "Comedy"),
    (3, "Rarely Seen (1992)", "Horror"),
]
KNOWN_USERS = [(user_id, "M", 25, 12, "10001") for user_id in range(1, 7)]
KNOWN_RATINGS = [
    (1, 1, 5, 978300000),
    (2, 1, 5, 978300001),
    (1, 2, 4, 978300002),
    (2, 2, 4, 978300003),
    (3, 2, 4, 978300004),
    (4, 2, 3, 978300005),
    (5, 2, 4, 978300006),
    (6, 2, 2, 978300007),
    (3, 3, 5, 978300008),
    (6, 1, 1, 978300009),
]


def test_cluster_popularity_is_the_damped_like_share(
    tmp_path: Path, movielens_dir: Callable[..., Path]
) -> None:
    path = _loaded(tmp_path, movielens_dir, KNOWN_RATINGS, KNOWN_MOVIES, KNOWN_USERS)
    popularity = cluster_build.PopularityConfig(prior_weight=2, min_ratings=2, top_n=10)
    con = wh.connect(path, read_only=False)
    try:
        cluster_build.ensure_tables(con)
        # Cluster 0: users 1-4, cluster 1: users 5-6.
        con.executemany(
            "insert into marts.user_clusters values (?, ?, 0.0)",
            [[user_id, 0 if user_id <= 4 else 1] for user_id in range(1, 7)],
        )
        cluster_build.fill_group_popular_movies(
            con,
            "marts.cluster_popular_movies",
            "cluster_id",
            "cluster_popularity_members",
            popularity,
        )
        rows = con.execute(
            "select cluster_id, movie_id, popularity_rank, count_ratings, count_likes, "
            "damped_like_share, damped_mean_rating from marts.cluster_popular_movies "
            "order by cluster_id, popularity_rank"
        ).fetchall()
    finally:
        con.close()
    ratings = np.array([row[:3] for row in KNOWN_RATINGS], dtype=float)
    global_mean = ratings[:, 2].mean()
    w = 2.0

    def expected(members: set[int], movie_id: int) -> tuple[int, int, float, float]:
        rows_ = [r for r in ratings if r[0] in members and r[1] == movie_id]
        likes = sum(r[2] >= 4 for r in rows_)
        global_likes = sum(r[2] >= 4 for r in ratings if r[1] == movie_id)
        share = (likes + w * global_likes / 6) / (len(members) + w)
        mean = (sum(r[2] for r in rows_) + w * global_mean) / (len(rows_) + w)
        return len(rows_), likes, share, mean

    members = {0: {1, 2, 3, 4}, 1: {5, 6}}
    # Cluster 0: movie 2 (3 likes of 4 members) beats movie 1 (2 fives): popularity, not a raw
    # mean of 5. Movie 3 has 1 rating in cluster 0 (< min_ratings 2): absent. Cluster 1 rated
    # movie 2 twice (kept) and movie 1 once (absent).
    assert [(row[0], row[1], row[2]) for row in rows] == [(0, 2, 1), (0, 1, 2), (1, 2, 1)]
    for row in rows:
        count, likes, share, mean = expected(members[row[0]], row[1])
        assert (row[3], row[4]) == (count, likes)
        assert row[5] == pytest.approx(share, abs=1e-12)
        assert row[6] == pytest.approx(mean, abs=1e-12)


def test_demographic_back_off_when_a_group_is_small(
    planted_warehouse: Callable[..., Path],
) -> None:
    path = planted_warehouse("--k", "2", "--min-members", "20")
    con = wh.connect(path, read_only=False)
    try:
        men = cold_start.recommend_for_demographics(
            con, age=30, gender="M", occupation="programmer", zip_code="10001"
        )
        # All 20 male programmers aged 25-34 live in zip area 1: the most specific level.
        assert men["explanation"][0].startswith(
            "popular with men aged 25-34 who work as programmer in zip area 1 ("
        )
        # Another zip area has no group: age + gender + occupation.
        elsewhere = cold_start.recommend_for_demographics(
            con, age=30, gender="M", occupation="programmer", zip_code="55117"
        )
        assert elsewhere["explanation"][0].startswith(
            "popular with men aged 25-34 who work as programmer ("
        )
        assert set(men["movie_id"].to_list()) <= set(range(1, 21))
        # Another occupation in the same age/gender has no group: backs off to age + gender.
        writer = cold_start.recommend_for_demographics(con, age=30, gender="M", occupation="writer")
        assert writer["explanation"][0].startswith("popular with men aged 25-34 (")
        # Nobody aged 56+: backs off to everyone.
        older = cold_start.recommend_for_demographics(con, age=70, gender="F", occupation="writer")
        assert older["explanation"][0].startswith("popular with all viewers (")

        # Raise the minimum above every demographic group (20 each): all back off to everyone.
        cluster_build.build_demographic_tables(con, cluster_build.PopularityConfig(min_members=21))
        backed_off = cold_start.recommend_for_demographics(
            con, age=30, gender="M", occupation="programmer"
        )
        assert backed_off["explanation"][0].startswith("popular with all viewers (")
        levels = con.execute(
            "select group_level, bool_or(has_enough_members) from marts.demographic_groups "
            "group by group_level order by group_level"
        ).fetchall()
        assert levels == [(0, True), (1, False), (2, False), (3, False), (4, False)]
    finally:
        con.close()


def test_demographic_recommendations_columns_and_order(
    planted_warehouse: Callable[..., Path],
) -> None:
    con = wh.connect(planted_warehouse(), read_only=True)
    try:
        frame = cold_start.recommend_for_demographics(
            con, age=40, gender="f", occupation="Academic/Educator", n=5
        )
    finally:
        con.close()
    assert frame.columns == list(cold_start.OUTPUT_SCHEMA)
    assert frame["rank"].to_list() == [1, 2, 3, 4, 5]
    assert set(frame["movie_id"].to_list()) <= set(range(21, 41))
    scores = frame["score"].to_list()
    assert scores == sorted(scores, reverse=True)
    assert frame["explanation"][0].startswith(
        "popular with women aged 35-44 who work as academic/educator ("
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"age": 0}, "age must be a whole number from 1 to 120, got 0"),
        ({"age": 121}, "age must be a whole number from 1 to 120, got 121"),
        ({"gender": "X"}, "gender must be M or F, got 'X'"),
        ({"occupation": "astronaut"}, "unknown occupation 'astronaut'. Hint: use one of: "),
    ],
)
def test_bad_profiles_are_rejected(
    planted_warehouse: Callable[..., Path], kwargs: dict[str, object], message: str
) -> None:
    profile: dict[str, object] = {"age": 30, "gender": "M", "occupation": "programmer"} | kwargs
    con = wh.connect(planted_warehouse(), read_only=True)
    try:
        with pytest.raises(InvalidInput) as error:
            cold_start.recommend_for_demographics(con, **profile)  # type: ignore[arg-type]
    finally:
        con.close()
    assert str(error.value).startswith(message)
    if "occupation" in kwargs:
        assert "academic/educator" in str(error.value) and "programmer" in str(error.value)


def test_zip_region_follows_staging() -> None:
    assert cold_start.zip_region("94110") == "9"
    assert cold_start.zip_region("T8H1N") == "other"
    assert cold_start.zip_region(" ") is None
    assert cold_start.zip_region(None) is None


def test_cluster_members_get_unseen_movies_of_their_cluster(
    planted_warehouse: Callable[..., Path],
) -> None:
    con = wh.connect(planted_warehouse(), read_only=True)
    try:
        frame = cold_start.recommend_for_cluster_members(con, [1, 21], n=3)
        rated = {
            (user_id, movie_id)
            for user_id, movie_id in con.execute(
                "select user_id, movie_id from staging.stg_ratings"
            ).fetchall()
        }
        everyone = cold_start.recommend_for_cluster_members(con, None, n=2)
        with pytest.raises(Exception, match="user\\(s\\) 999 have no taste cluster"):
            cold_start.recommend_for_cluster_members(con, [1, 999], n=3)
    finally:
        con.close()
    assert frame.columns == ["user_id", *cold_start.OUTPUT_SCHEMA]
    assert frame.filter(frame["user_id"] == 1)["rank"].to_list() == [1, 2, 3]
    for user_id, movie_id in frame.select("user_id", "movie_id").rows():
        assert (user_id, movie_id) not in rated
        assert (movie_id <= 20) == (user_id <= 20)  # the user's own taste group
    assert "action and sci-fi fans" in frame.filter(frame["user_id"] == 1)["explanation"][0]
    assert everyone["user_id"].n_unique() == 40


def test_cold_start_needs_watchit_cluster(warehouse: Path) -> None:
    con = wh.connect(warehouse, read_only=True)
    try:
        with pytest.raises(WarehouseNotFound, match="watchit cluster"):
            cold_start.recommend_for_demographics(con, age=30, gender="M", occupation="programmer")
    finally:
        con.close()


def _loaded(
    tmp_path: Path,
    movielens_dir: Callable[..., Path],
    ratings: list[tuple[int, int, int, int]],
    movies: list[tuple[int, str, str]],
    users: list[tuple[int, str, int, int, str]],
) -> Path:
    from pipeline import load, sqlfiles

    path = tmp_path / "known.duckdb"
    folder = movielens_dir(name="known", ratings=ratings, movies=movies, users=users)
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, folder))
    return path
