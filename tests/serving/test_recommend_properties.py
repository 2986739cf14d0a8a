"""Properties that hold for any ratings: never a rated movie, ranks 1..n, no duplicates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serving_helpers import build_serving_warehouse

from pipeline import recommend
from pipeline import warehouse as wh

ratings_sets = st.dictionaries(
    keys=st.tuples(st.integers(1, 6), st.integers(1, 9)),
    values=st.integers(1, 5),
    min_size=4,
    max_size=40,
)


# Each example builds a warehouse (a few seconds), so few examples; they still vary the
# overlap between users from none to dense.
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ratings=ratings_sets, n=st.integers(1, 6))
def test_no_method_recommends_a_rated_movie(ratings: dict[tuple[int, int], int], n: int) -> None:
    rows = [(user, movie, stars) for (user, movie), stars in sorted(ratings.items())]
    with tempfile.TemporaryDirectory() as folder:
        path = build_serving_warehouse(Path(folder), rows)
        con = wh.connect(path)
        try:
            count_movies = len({movie for _, movie, _ in rows})
            for method in ("hybrid", "item", "user", "popular"):
                recs = recommend.recommend_for_users(con, None, method=method, n=n)
                for user_id, group in recs.group_by("user_id"):
                    rated = {movie for user, movie, _ in rows if user == user_id[0]}
                    movies = group["movie_id"].to_list()
                    assert not rated & set(movies), (method, user_id, rated, movies)
                    assert len(set(movies)) == len(movies)
                    assert group["rank"].to_list() == list(range(1, len(movies) + 1))
                    # Every unrated rated-by-someone movie is available, so the list is full
                    # unless the catalogue runs out.
                    assert len(movies) == min(n, count_movies - len(rated)), (method, user_id)
                    assert group["explanation"].str.len_chars().min() > 0
        finally:
            con.close()
