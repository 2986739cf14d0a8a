"""sqlfiles.compose: a chain of query texts run as one statement (pipeline/recommend.py's runs)."""

from __future__ import annotations

import duckdb

from pipeline import sqlfiles


def test_each_step_reads_the_steps_before_it() -> None:
    query = sqlfiles.compose(
        [
            ("numbers", "select unnest([1, 2, 3]) as n"),
            ("doubled", "select n * 2 as n from numbers"),
        ],
        "select sum(n) as total, count(*) as rows from doubled -- a trailing comment",
    )
    assert duckdb.connect().execute(query).fetchall() == [(12, 3)]


def test_a_query_file_may_name_its_own_cte_after_the_step_it_reads() -> None:
    # recommend_item.sql starts `with recommendation_users as (select user_id from
    # recommendation_users)`: inside a step, that name must reach the earlier step, not itself.
    query = sqlfiles.compose(
        [
            ("users", "select unnest([1, 2, 3]) as user_id"),
            (
                "chosen",
                "with users as (select user_id from users where user_id > 1)\nselect * from users",
            ),
        ],
        "with chosen as (select * from chosen) select list(user_id order by user_id) from chosen",
    )
    assert duckdb.connect().execute(query).fetchall() == [([2, 3],)]


def test_the_recommendation_steps_compose_from_the_query_files() -> None:
    # The files a run chains must parse together (the steps are CTEs, so no file may end
    # with a semicolon or hold two statements).
    steps = [
        (name, sqlfiles.query(file))
        for name, file in [
            ("recommendation_users", "recommend_users"),
            ("recommendation_exclusions", "recommend_rated_movies"),
            ("item_candidates", "recommend_item"),
            ("user_candidates", "recommend_no_user_candidates"),
            ("recommendation_candidates", "recommend_candidates"),
            ("prediction_requests", "recommend_prediction_requests"),
            ("recommendation_predictions", "predict_item"),
            ("recommendation_fallbacks", "recommend_popular_fallbacks"),
        ]
    ]
    statements = duckdb.connect().extract_statements(
        sqlfiles.compose(steps, sqlfiles.query("recommend_ranked"))
    )
    assert len(statements) == 1
