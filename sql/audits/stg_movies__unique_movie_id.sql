/* One row per movie. */
select
    movie_id,
    count(*) as count_rows
from staging.stg_movies
group by movie_id
having count(*) > 1
