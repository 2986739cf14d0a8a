/*
Purpose: every movie title, for the output guard (a message may name only recommended ones).
Grain:   one row per movie_id.
Inputs:  staging.stg_movies.
*/
select
    movie_id,
    title
from staging.stg_movies
order by movie_id
