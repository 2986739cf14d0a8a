/*
Purpose: the ratings signed-up users made in WatchIt (app.ratings) for the users of the step
         recommendation_users; with recommend_rated_movies.sql it makes the step
         recommendation_exclusions, so they are never recommended back. Run only when
         app.ratings exists (warehouses loaded before sign-ups existed lack it).
Grain:   one row per (user_id, movie_id).
Inputs:  app.ratings, recommendation_users (recommend_users.sql).
*/
select
    app_ratings.user_id,
    app_ratings.movie_id
from app.ratings as app_ratings
inner join recommendation_users
    on app_ratings.user_id = recommendation_users.user_id
