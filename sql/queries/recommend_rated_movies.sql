/*
Purpose: the movies the users of the step recommendation_users rated in the MovieLens
         data; with recommend_app_ratings.sql it makes the step recommendation_exclusions,
         which every candidate and fallback query leaves out.
Grain:   one row per (user_id, movie_id).
Inputs:  staging.stg_ratings, recommendation_users (recommend_users.sql).
*/
select
    stg_ratings.user_id,
    stg_ratings.movie_id
from staging.stg_ratings as stg_ratings
inner join recommendation_users
    on stg_ratings.user_id = recommendation_users.user_id
