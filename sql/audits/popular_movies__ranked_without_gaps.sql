/* Ranks run 1..n without gaps or repeats, best damped mean first, and every movie was rated. */
select movie_id
from (
    select
        movie_id,
        popularity_rank,
        count_ratings,
        row_number() over (order by popularity_rank) as expected_rank,
        lag(damped_mean_rating) over (order by popularity_rank)
            as previous_damped_mean_rating,
        damped_mean_rating
    from marts.popular_movies
)
where
    popularity_rank <> expected_rank
    or count_ratings < 1
    or damped_mean_rating > previous_damped_mean_rating
