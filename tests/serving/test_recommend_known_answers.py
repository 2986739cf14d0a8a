"""Recommendations on hand-made ratings whose answer is known in advance."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from serving_helpers import build_serving_warehouse, movie_title

from pipeline import cf, recommend
from pipeline import warehouse as wh
from pipeline.errors import InvalidInput, UnknownUser, WarehouseNotFound

# Users 1 and 2 agree on movies 1-4, user 3 disagrees with both. Only user 2 rated movie 10
# (5 stars), only user 3 rated movie 11. So user 1's single positive neighbour is user 2.
USER_KNN_RATINGS = [
    (1, 1, 5), (1, 2, 1), (1, 3, 5), (1, 4, 2),
    (2, 1, 5), (2, 2, 1), (2, 3, 5), (2, 4, 2), (2, 10, 5),
    (3, 1, 1), (3, 2, 5), (3, 3, 1), (3, 4, 4), (3, 11, 5),
]  # fmt: skip

# Movies 20 and 21 are rated alike by users 5-8 (high together, low together); user 9 rated
# 20 with 5 stars and 22 with 1 star but never 21, so 21 is a neighbour of a movie user 9 loved.
ITEM_KNN_RATINGS = [
    (5, 20, 5), (5, 21, 5), (5, 22, 2),
    (6, 20, 1), (6, 21, 2), (6, 22, 4),
    (7, 20, 4), (7, 21, 5), (7, 22, 1),
    (8, 20, 2), (8, 21, 1), (8, 22, 5),
    (9, 20, 5), (9, 22, 1),
]  # fmt: skip

# User 30 shares no movie with anybody: no neighbour of either kind.
LONER_RATINGS = [(30, 40, 3), (30, 41, 4)]


@pytest.fixture(scope="module")
def known_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serving_known")
    return build_serving_warehouse(folder, USER_KNN_RATINGS + ITEM_KNN_RATINGS + LONER_RATINGS)


@pytest.fixture
def con(known_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = wh.connect(known_warehouse)
    yield connection
    connection.close()


def test_only_neighbours_movie_is_recommended_with_the_user_explanation(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = recommend.recommend_for_user(con, 1, method="user", n=3)
    first = frame.row(0, named=True)
    assert first["movie_id"] == 10
    assert first["explanation"] == "liked by 1 viewer with your taste"
    assert first["title"] == movie_title(10)
    # Movie 11 comes only from the dissimilar user 3, so it is a popular fallback, ranked after.
    others = frame.filter(pl.col("movie_id") != 10)
    assert others["explanation"].str.starts_with("popular fallback").all()


def test_item_neighbour_of_a_loved_movie_is_explained_by_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = recommend.recommend_for_user(con, 9, method="item", n=5)
    first = frame.row(0, named=True)
    assert first["movie_id"] == 21
    assert first["explanation"] == f"because you rated {movie_title(20)} 5 stars"
    assert first["rank"] == 1


def test_item_predicted_rating_equals_the_prediction_query(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for method in ("item", "user", "hybrid"):
        recs = recommend.recommend_for_users(con, None, method=method, n=5)
        personal = recs.filter(~pl.col("explanation").str.starts_with("popular"))
        assert personal.height > 0, method
        predicted = cf.predict_ratings(con, personal.select("user_id", "movie_id"), method)
        joined = personal.join(predicted, on=["user_id", "movie_id"], suffix="_query")
        difference = (joined["predicted_rating"] - joined["predicted_rating_query"]).abs().max()
        assert difference < 1e-9, method


def test_ranks_run_from_one_without_gaps_and_scores_descend_within_a_tier(
    con: duckdb.DuckDBPyConnection,
) -> None:
    recs = recommend.recommend_for_users(con, None, method="hybrid", n=4)
    for _, group in recs.group_by("user_id"):
        assert group["rank"].to_list() == list(range(1, group.height + 1))
        personal = group.filter(~pl.col("explanation").str.starts_with("popular"))
        assert personal["score"].to_list() == sorted(personal["score"].to_list(), reverse=True)
        assert group["movie_id"].n_unique() == group.height


def test_popular_method_explains_average_and_count(con: duckdb.DuckDBPyConnection) -> None:
    frame = recommend.recommend_for_user(con, 9, method="popular", n=2)
    stats = con.execute(
        "select mean_rating, count_ratings from marts.movies where movie_id = ?",
        [frame["movie_id"][0]],
    ).fetchone()
    assert stats is not None
    plural = "rating" if stats[1] == 1 else "ratings"
    assert frame["explanation"][0] == f"popular: {stats[0]:.1f} average from {stats[1]} {plural}"


def test_user_without_neighbours_gets_the_popular_fallback(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for method in ("user", "item", "hybrid"):
        frame = recommend.recommend_for_user(con, 30, method=method, n=3)
        assert frame.height == 3
        assert frame["explanation"].str.starts_with("popular fallback (no personal match): ").all()
        assert not {40, 41} & set(frame["movie_id"].to_list())


def test_ratings_in_app_ratings_are_never_recommended(
    known_warehouse: Path, tmp_path: Path
) -> None:
    path = tmp_path / "copy.duckdb"
    shutil.copy(known_warehouse, path)
    con = wh.connect(path, read_only=False)
    try:
        before = recommend.recommend_for_user(con, 1, method="user", n=3)
        assert before["movie_id"][0] == 10
        con.execute(
            "insert into app.ratings (user_id, movie_id, rating, rated_at) "
            "values (1, 10, 4, now()::timestamp)"
        )
        after = recommend.recommend_for_user(con, 1, method="user", n=3)
    finally:
        con.close()
    assert 10 not in after["movie_id"].to_list()
    assert after.height == 3


def test_unknown_user_names_the_id_and_the_new_user_command(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(UnknownUser, match=r"no user with id 4242\..*--age 25 --gender F"):
        recommend.recommend_for_user(con, 4242)


def test_unknown_method_and_bad_limit_are_rejected(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InvalidInput, match=r"unknown recommendation method 'svd'.*hybrid, item"):
        recommend.recommend_for_user(con, 1, method="svd")
    with pytest.raises(InvalidInput, match="from 1 to 1000, got 0"):
        recommend.recommend_for_user(con, 1, n=0)


def test_a_run_leaves_no_temp_table(con: duckdb.DuckDBPyConnection) -> None:
    recommend.recommend_for_user(con, 1, method="hybrid", n=2)
    leftovers = con.execute("select table_name from duckdb_tables() where temporary").fetchall()
    assert leftovers == []


def test_cluster_method_needs_watchit_cluster(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(WarehouseNotFound, match=r"Hint: run `watchit cluster`"):
        recommend.recommend_for_user(con, 1, method="cluster")


def test_warehouse_without_app_tables_or_models_is_served_or_named(
    known_warehouse: Path, tmp_path: Path
) -> None:
    # Issue 3: the live path no longer looks the tables up before each request; a warehouse
    # loaded before sign-ups existed still works, and an unbuilt one still names what is missing.
    path = tmp_path / "copy.duckdb"
    shutil.copy(known_warehouse, path)
    con = wh.connect(path, read_only=False)
    try:
        expected = recommend.recommend_for_user(con, 1, method="hybrid", n=3, use_stored=False)
        con.execute("drop table app.ratings")
        con.execute("drop table app.users")
        assert recommend.recommend_for_user(con, 1, "hybrid", 3, use_stored=False).equals(expected)
        con.execute("drop table marts.movie_neighbours")
        with pytest.raises(WarehouseNotFound, match=r"no marts\.movie_neighbours\. Hint: run"):
            recommend.recommend_for_user(con, 1, method="item", n=3, use_stored=False)
    finally:
        con.close()
