/* marts.movies has exactly one row per staged movie, and its ratings summary is in range. */
select coalesce(movies.movie_id, stg_movies.movie_id) as movie_id
from marts.movies as movies
full outer join staging.stg_movies as stg_movies
    on movies.movie_id = stg_movies.movie_id
where
    movies.movie_id is null
    or stg_movies.movie_id is null
    or movies.count_ratings < 0
    or not movies.damped_mean_rating between 1 and 5
    or (movies.count_ratings = 0) <> (movies.mean_rating is null)
union all
select movie_id from marts.movies
group by movie_id
having count(*) > 1
