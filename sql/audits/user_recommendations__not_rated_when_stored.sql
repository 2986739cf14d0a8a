/* A stored list never holds a movie the user had rated when it was computed: a MovieLens
   rating (staging.stg_ratings) or an app.ratings rating made before computed_at. (A later
   app.ratings rating is allowed here: it makes the list stale, and recommend_for_user then
   scores live; see sql/queries/recommend_stored.sql.) */
select
    user_recommendations.user_id,
    user_recommendations.method,
    user_recommendations.movie_id
from marts.user_recommendations as user_recommendations
where
    exists (
        select 1
        from staging.stg_ratings as stg_ratings
        where
            stg_ratings.user_id = user_recommendations.user_id
            and stg_ratings.movie_id = user_recommendations.movie_id
    )
    or exists (
        select 1
        from app.ratings as ratings
        where
            ratings.user_id = user_recommendations.user_id
            and ratings.movie_id = user_recommendations.movie_id
            and ratings.rated_at < user_recommendations.computed_at
    )
