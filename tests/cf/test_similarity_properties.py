"""Random small rating sets: every similarity measure matches a numpy oracle and keeps its
invariants (symmetric, within [-1, 1], no self pairs, no NaN, support cut, order-independent),
and the tables the models read hold exactly the measures view's values."""

from __future__ import annotations

import math
import random
import tempfile
from pathlib import Path

from cf_helpers import build_cf_warehouse
from cf_oracle import als_biases, similarities
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import warehouse as wh

MOVIE_COLUMNS = (
    "count_common_raters, cosine_similarity, adjusted_cosine_similarity, "
    "pearson_similarity, pearson_baseline_similarity, similarity"
)
USER_COLUMNS = (
    "count_common_movies, cosine_similarity, adjusted_cosine_similarity, pearson_similarity, "
    "pearson_baseline_similarity, similarity"
)

rating_sets = st.dictionaries(
    keys=st.tuples(st.integers(1, 7), st.integers(1, 6)),
    values=st.integers(1, 5),
    min_size=4,
    max_size=30,
).map(lambda cells: [(user, movie, stars) for (user, movie), stars in sorted(cells.items())])
build_settings = settings(
    max_examples=15,  # each example loads and builds a warehouse (~1-2 s)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _read(path: Path) -> tuple[dict, dict]:
    con = wh.connect(path)
    try:
        movies = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                f"select movie_id, similar_movie_id, {MOVIE_COLUMNS} "
                "from marts.movie_similarity_measures"
            ).fetchall()
        }
        users = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                f"select user_id, similar_user_id, {USER_COLUMNS} from marts.user_similarity_measures"
            ).fetchall()
        }
        stored_movies = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                "select movie_id, similar_movie_id, count_common_raters, "
                "pearson_baseline_similarity, similarity from marts.movie_similarities"
            ).fetchall()
        }
        stored_users = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                "select user_id, similar_user_id, count_common_movies, "
                "pearson_baseline_similarity, similarity from marts.user_similarities"
            ).fetchall()
        }
    finally:
        con.close()
    # The tables hold the view's values: every movie pair; every positive user pair (fewer
    # than users_kept_per_user per user here).
    positive = {pair: row for pair, row in users.items() if row[5] is not None and row[5] > 0}
    for stored, measured in ((stored_movies, movies), (stored_users, positive)):
        assert stored.keys() == measured.keys()
        for pair, row in measured.items():
            assert stored[pair][0] == row[0]
            for kept, value in zip(stored[pair][1:], (row[4], row[5]), strict=True):
                assert (kept is None and value is None) or abs(kept - value) <= 1e-12
    return movies, users


def _assert_invariants(table: dict, min_support: int) -> None:
    for (first, second), values in table.items():
        assert first != second, "self pair"
        assert table[(second, first)] == values, f"asymmetric {first}, {second}"
        assert values[0] >= min_support
        for value in values[1:]:
            assert value is None or (not math.isnan(value) and -1 <= value <= 1), values


def _assert_matches(actual: dict, expected: dict, names: tuple[str, ...]) -> None:
    assert actual.keys() == expected.keys()
    for pair, row in expected.items():
        for name, value in zip(names, actual[pair], strict=True):
            if row[name] is None:
                assert value is None, f"{pair} {name}: SQL {value}, numpy NULL"
            else:
                assert value is not None and abs(value - row[name]) <= 1e-9, (
                    f"{pair} {name}: SQL {value}, numpy {row[name]}"
                )


@build_settings
@given(
    ratings=rating_sets,
    min_support=st.integers(1, 3),
    shrinkage=st.sampled_from([0.0, 2.5, 100.0]),
)
def test_similarity_tables_match_numpy_oracle(
    ratings: list[tuple[int, int, int]], min_support: int, shrinkage: float
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = build_cf_warehouse(
            Path(folder),
            ratings,
            min_support=min_support,
            shrinkage=shrinkage,
            user_bias_regularisation=15.0,
            movie_bias_regularisation=10.0,
        )
        movies, users = _read(path)
    _assert_invariants(movies, min_support)
    _assert_invariants(users, min_support)
    floats = [(u, m, float(r)) for u, m, r in ratings]
    biases = als_biases(floats, 15.0, 10.0)
    _assert_matches(
        movies,
        similarities(floats, "movie", min_support, shrinkage, biases),
        ("count", "cosine", "adjusted_cosine", "pearson", "pearson_baseline", "similarity"),
    )
    _assert_matches(
        users,
        similarities(floats, "user", min_support, shrinkage, biases),
        ("count", "cosine", "adjusted_cosine", "pearson", "pearson_baseline", "similarity"),
    )


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ratings=rating_sets, seed=st.integers(0, 2**16))
def test_shuffled_input_rows_give_identical_tables(
    ratings: list[tuple[int, int, int]], seed: int
) -> None:
    shuffled = list(ratings)
    random.Random(seed).shuffle(shuffled)
    tables = []
    for order in (ratings, shuffled):
        with tempfile.TemporaryDirectory() as folder:
            path = build_cf_warehouse(Path(folder), order, min_support=1, shrinkage=10.0)
            con = wh.connect(path)
            tables.append(
                [
                    con.execute(f"select * from marts.{name} order by all").fetchall()
                    for name in (
                        "movie_similarities",
                        "user_similarities",
                        "movie_neighbours",
                        "user_neighbours",
                        "movie_biases",
                        "user_biases",
                    )
                ]
            )
            con.close()
    # Sums are accumulated in a different order, so equal up to floating-point rounding.
    for before, after in zip(*tables, strict=True):
        assert len(before) == len(after)
        for row_before, row_after in zip(before, after, strict=True):
            for value_before, value_after in zip(row_before, row_after, strict=True):
                if isinstance(value_before, float) and value_after is not None:
                    assert abs(value_before - value_after) <= 1e-12
                else:
                    assert value_before == value_after
