/* Every rating names a loaded user and a loaded movie. */
select stg_ratings.*
from staging.stg_ratings
left join staging.stg_users on stg_ratings.user_id = stg_users.user_id
left join staging.stg_movies on stg_ratings.movie_id = stg_movies.movie_id
where stg_users.user_id is null or stg_movies.movie_id is null
