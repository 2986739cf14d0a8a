"""Hand-made ratings whose similarities and biases are recomputed with numpy (issue 3).

Each pair shows one property: movies 1 and 2 are rated identically by their common raters
(cosine and Pearson 1.0); movie 3 gets a constant 3 from its raters (Pearson NULL, cosine
defined); movies 5 and 6 share a single rater (below min_support 2: no row); movies 1 and 6
share none (no row); user 8 rates everything 4 (user Pearson NULL).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from cf_oracle import als_biases, similarities

from pipeline import warehouse as wh

RATINGS = [
    (1, 1, 5), (1, 2, 5), (1, 3, 3), (1, 4, 1),
    (2, 1, 3), (2, 2, 3), (2, 3, 3), (2, 4, 4),
    (3, 1, 1), (3, 2, 1), (3, 3, 3), (3, 4, 2), (3, 5, 4),
    (4, 1, 4), (4, 2, 4), (4, 3, 3),
    (5, 4, 5), (5, 5, 2), (5, 6, 1),
    (6, 2, 2), (6, 6, 3),
    (7, 5, 5),
    (8, 1, 4), (8, 2, 4), (8, 4, 4),
]  # fmt: skip
MIN_SUPPORT = 2
SHRINKAGE = 5.0
USER_LAMBDA, MOVIE_LAMBDA = 3.0, 2.0
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def known_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cf_helpers import build_cf_warehouse

    return build_cf_warehouse(
        tmp_path_factory.mktemp("known"),
        RATINGS,
        min_support=MIN_SUPPORT,
        shrinkage=SHRINKAGE,
        user_bias_regularisation=USER_LAMBDA,
        movie_bias_regularisation=MOVIE_LAMBDA,
        item_neighbours_k=2,
        user_neighbours_k=2,
    )


def _table(path: Path, sql: str) -> dict[tuple[int, int], tuple]:
    con = wh.connect(path)
    try:
        return {(row[0], row[1]): row[2:] for row in con.execute(sql).fetchall()}
    finally:
        con.close()


def _close(actual: float | None, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, rel_tol=0, abs_tol=TOLERANCE)


def _oracle(of: str) -> dict:
    biases = als_biases([(u, m, float(r)) for u, m, r in RATINGS], USER_LAMBDA, MOVIE_LAMBDA)
    return similarities(
        [(u, m, float(r)) for u, m, r in RATINGS], of, MIN_SUPPORT, SHRINKAGE, biases
    )


def test_biases_match_numpy_als(known_warehouse: Path) -> None:
    expected = als_biases([(u, m, float(r)) for u, m, r in RATINGS], USER_LAMBDA, MOVIE_LAMBDA)
    con = wh.connect(known_warehouse)
    (global_mean,) = con.execute("select global_mean from marts.rating_baselines").fetchone()
    users = dict(con.execute("select user_id, user_bias from marts.user_biases").fetchall())
    movies = dict(con.execute("select movie_id, movie_bias from marts.movie_biases").fetchall())
    con.close()
    assert global_mean == pytest.approx(expected.global_mean, abs=TOLERANCE)
    assert users.keys() == expected.user.keys() and movies.keys() == expected.movie.keys()
    for user, bias in expected.user.items():
        assert users[user] == pytest.approx(bias, abs=TOLERANCE), f"user {user}"
    for movie, bias in expected.movie.items():
        assert movies[movie] == pytest.approx(bias, abs=TOLERANCE), f"movie {movie}"


def test_movie_similarities_match_numpy(known_warehouse: Path) -> None:
    actual = _table(
        known_warehouse,
        "select movie_id, similar_movie_id, count_common_raters, cosine_similarity, "
        "adjusted_cosine_similarity, pearson_similarity, pearson_baseline_similarity, "
        "similarity from marts.movie_similarity_measures",
    )
    expected = _oracle("movie")
    assert actual.keys() == expected.keys()
    names = ("count", "cosine", "adjusted_cosine", "pearson", "pearson_baseline", "similarity")
    for pair, row in expected.items():
        for name, value in zip(names, actual[pair], strict=True):
            assert _close(value, row[name]), f"{pair} {name}: SQL {value}, numpy {row[name]}"


def test_user_similarities_match_numpy(known_warehouse: Path) -> None:
    actual = _table(
        known_warehouse,
        "select user_id, similar_user_id, count_common_movies, cosine_similarity, "
        "adjusted_cosine_similarity, pearson_similarity, pearson_baseline_similarity, similarity "
        "from marts.user_similarity_measures",
    )
    expected = _oracle("user")
    assert actual.keys() == expected.keys()
    names = ("count", "cosine", "adjusted_cosine", "pearson", "pearson_baseline", "similarity")
    for pair, row in expected.items():
        for name, value in zip(names, actual[pair], strict=True):
            assert _close(value, row[name]), f"{pair} {name}: SQL {value}, numpy {row[name]}"


def test_hand_made_edge_cases(known_warehouse: Path) -> None:
    movies = _table(
        known_warehouse,
        "select movie_id, similar_movie_id, count_common_raters, cosine_similarity, "
        "pearson_similarity from marts.movie_similarity_measures",
    )
    # Identical on the common raters (users 1-4 and 8): cosine 1, Pearson 1.
    assert movies[(1, 2)][0] == 5
    assert movies[(1, 2)][1] == pytest.approx(1.0) and movies[(1, 2)][2] == pytest.approx(1.0)
    # Movie 3 is a constant 3 from its raters: Pearson NULL (not NaN, not 0), cosine defined.
    assert movies[(1, 3)][2] is None and movies[(3, 1)][2] is None
    assert 0 < movies[(1, 3)][1] <= 1
    # One common rater (user 5) is below min_support 2; no common rater at all: no row either.
    assert (5, 6) not in movies and (6, 5) not in movies
    assert (1, 6) not in movies and (6, 1) not in movies
    # Exactly min_support common raters (users 3 and 5) is kept.
    assert movies[(4, 5)][0] == MIN_SUPPORT
    users = _table(
        known_warehouse,
        "select user_id, similar_user_id, pearson_similarity from marts.user_similarity_measures",
    )
    # User 8 rates everything 4: zero variance gives NULL Pearson with every user.
    assert all(users[(8, other)][0] is None for other in (1, 2, 3, 4) if (8, other) in users)
    assert (8, 1) in users


def test_shrinkage_scales_by_support(known_warehouse: Path) -> None:
    rows = _table(
        known_warehouse,
        "select movie_id, similar_movie_id, count_common_raters, pearson_baseline_similarity, "
        "similarity from marts.movie_similarities where similarity is not null",
    )
    assert rows
    for count, pearson_baseline, similarity in rows.values():
        assert similarity == pytest.approx(pearson_baseline * count / (count + SHRINKAGE))


def test_neighbours_are_the_top_k_positive_similarities(known_warehouse: Path) -> None:
    similarities_by_movie: dict[int, list[tuple[float, int]]] = {}
    for (movie, other), (similarity,) in _table(
        known_warehouse,
        "select movie_id, similar_movie_id, similarity from marts.movie_similarities "
        "where similarity > 0",
    ).items():
        similarities_by_movie.setdefault(movie, []).append((-similarity, other))
    con = wh.connect(known_warehouse)
    listed = con.execute(
        "select movie_id, neighbour_movie_id, neighbour_rank from marts.movie_neighbours "
        "order by movie_id, neighbour_rank"
    ).fetchall()
    con.close()
    expected = [
        (movie, other, rank)
        for movie, candidates in sorted(similarities_by_movie.items())
        for rank, (_, other) in enumerate(sorted(candidates)[:2], start=1)
    ]
    assert listed == expected


def test_movie_table_holds_the_models_columns_of_every_pair(known_warehouse: Path) -> None:
    stored = _table(
        known_warehouse,
        "select movie_id, similar_movie_id, count_common_raters, pearson_baseline_similarity, "
        "similarity from marts.movie_similarities",
    )
    expected = _oracle("movie")
    assert stored.keys() == expected.keys()
    for pair, row in expected.items():
        for name, value in zip(
            ("count", "pearson_baseline", "similarity"), stored[pair], strict=True
        ):
            assert _close(value, row[name]), f"{pair} {name}: SQL {value}, numpy {row[name]}"


def test_user_table_keeps_each_users_top_positive_similarities(tmp_path: Path) -> None:
    from cf_helpers import build_cf_warehouse

    kept = 2
    path = build_cf_warehouse(
        tmp_path,
        RATINGS,
        min_support=MIN_SUPPORT,
        shrinkage=SHRINKAGE,
        user_bias_regularisation=USER_LAMBDA,
        movie_bias_regularisation=MOVIE_LAMBDA,
        users_kept_per_user=kept,
    )
    by_user: dict[int, list[tuple[float, int]]] = {}
    for (user, other), row in _oracle("user").items():
        if row["similarity"] is not None and row["similarity"] > 0:
            by_user.setdefault(user, []).append((-round(row["similarity"], 12), other))
    expected = {
        (user, other): (rank, row_similarity)
        for user, candidates in by_user.items()
        for rank, (row_similarity, other) in enumerate(sorted(candidates)[:kept], start=1)
    }
    stored = _table(
        path,
        "select user_id, similar_user_id, similarity_rank, similarity from marts.user_similarities",
    )
    assert stored.keys() == expected.keys()
    for pair, (rank, negative_similarity) in expected.items():
        assert stored[pair][0] == rank
        assert _close(stored[pair][1], -negative_similarity)
