/*
Purpose: candidates for the onboarding questions of `watchit signup`: the $limit most-rated
         movies with their genres (pipeline/signup.py then picks a handful that cover
         different genres, most-rated first).
Grain:   one row per movie, ordered by count_ratings descending, then movie_id.
Inputs:  staging.stg_ratings, staging.stg_movies, staging.stg_movie_genres; parameter $limit.
*/
with ratings as (
    select * from staging.stg_ratings
),

movies as (
    select * from staging.stg_movies
),

ratings_counted as (
    select
        movie_id,
        count(*) as count_ratings
    from ratings
    group by movie_id
),

genres_listed as (
    select
        movie_id,
        list(genre order by genre) as genres
    from staging.stg_movie_genres
    group by movie_id
)

select
    ratings_counted.movie_id,
    movies.title,
    coalesce(genres_listed.genres, []) as genres,
    ratings_counted.count_ratings
from ratings_counted
inner join movies
    on ratings_counted.movie_id = movies.movie_id
left join genres_listed
    on ratings_counted.movie_id = genres_listed.movie_id
order by ratings_counted.count_ratings desc, ratings_counted.movie_id asc
limit $limit
