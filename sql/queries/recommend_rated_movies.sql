/*
Purpose: the movies the users of the temp table recommendation_users rated in the MovieLens
         data; pipeline/recommend.py copies them into the temp table recommendation_exclusions
         once per call, and every candidate and fallback query leaves them out.
Grain:   one row per (user_id, movie_id).
Inputs:  staging.stg_ratings, temp recommendation_users.
*/
select
    stg_ratings.user_id,
    stg_ratings.movie_id
from staging.stg_ratings as stg_ratings
inner join recommendation_users
    on stg_ratings.user_id = recommendation_users.user_id
