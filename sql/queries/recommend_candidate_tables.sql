/*
Purpose: the empty temp tables one recommendation run fills (pipeline/recommend.py): the
         requested users (recommend_users.sql, recommend_app_users.sql), the candidates of
         each side (filled by recommend_item.sql and recommend_user.sql) and the popular
         movies that fill up short lists (recommend_popular_fallbacks.sql).
         recommendation_exclusions holds the requested users' ratings from app.ratings
         (sign-ups), which every query treats as already rated. Temp tables live in the
         connection only, so a read-only warehouse works.
*/
create or replace temp table recommendation_users (user_id integer primary key);

create or replace temp table item_candidates (
    user_id integer,
    movie_id integer,
    item_explanation varchar,
    item_support double
);

create or replace temp table user_candidates (
    user_id integer,
    movie_id integer,
    user_explanation varchar,
    user_support double
);

-- Every movie the requested users rated, in MovieLens (recommend_rated_movies.sql) or
-- after signing up (recommend_app_ratings.sql): never recommended.
create or replace temp table recommendation_exclusions (
    user_id integer,
    movie_id integer
);

-- Popular movies for users with fewer than $n candidates (recommend_popular_fallbacks.sql);
-- stays empty when pipeline/recommend.py knows no user is short.
create or replace temp table recommendation_fallbacks (
    user_id integer,
    movie_id integer,
    predicted_rating double,
    score double,
    explanation varchar
);
