/* A user rates a movie at most once. */
select
    user_id,
    movie_id,
    count(*) as count_ratings
from staging.stg_ratings
group by user_id, movie_id
having count(*) > 1
