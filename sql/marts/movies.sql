/*
Purpose: one row per movie for analysts and for serving: title, release year, genres and how
         it is rated. damped_mean_rating is a Bayesian average that pulls movies with few
         ratings towards the global mean:
             damped_mean_rating = (sum of stars + prior_ratings * mu) / (count_ratings + prior_ratings)
         with mu = mean of all ratings and prior_ratings = 100 (the same prior as
         marts.popular_movies; 100 ranked best among 10, 25, 100 and 300 for precision@10 on
         a per-user temporal holdout of ML-100K, see the README "serving" section).
Grain:   one row per movie of staging.stg_movies (rated or not).
Inputs:  staging.stg_movies, staging.stg_movie_genres, staging.stg_ratings (all ratings,
         MovieLens only; app.ratings of signed-up users are not counted).
Caveat:  a movie nobody rated has count_ratings 0, mean_rating NULL (no data is not 0) and
         damped_mean_rating = mu. genres is NULL when the movie has no genre.
*/
create or replace table marts.movies as
with stg_movies as (
    select * from staging.stg_movies
),

stg_movie_genres as (
    select * from staging.stg_movie_genres
),

stg_ratings as (
    select * from staging.stg_ratings
),

global_mean as (
    select avg(rating) as global_mean_rating from stg_ratings
),

genres_listed as (
    select
        movie_id,
        string_agg(genre, ' | ' order by genre) as genres
    from stg_movie_genres
    group by movie_id
),

ratings_summarised as (
    select
        movie_id,
        count(*) as count_ratings,
        sum(rating) as sum_ratings,
        avg(rating) as mean_rating
    from stg_ratings
    group by movie_id
),

movies_described as (
    select
        stg_movies.movie_id,
        stg_movies.title,
        genres_listed.genres,
        stg_movies.release_year,
        coalesce(ratings_summarised.count_ratings, 0) as count_ratings,
        ratings_summarised.mean_rating,
        (
            coalesce(ratings_summarised.sum_ratings, 0)
            + 100 * global_mean.global_mean_rating
        )
        / (coalesce(ratings_summarised.count_ratings, 0) + 100)
            as damped_mean_rating
    from stg_movies
    cross join global_mean
    left join genres_listed
        on stg_movies.movie_id = genres_listed.movie_id
    left join ratings_summarised
        on stg_movies.movie_id = ratings_summarised.movie_id
    order by stg_movies.movie_id
)

select * from movies_described;

comment on table marts.movies is 'One row per movie: title, release year, genres, rating count, mean and damped (Bayesian, prior 100 ratings at the global mean) mean rating.';
comment on column marts.movies.movie_id is 'Movie id from the source file.';
comment on column marts.movies.title is 'Title as in the file, year included, e.g. "Toy Story (1995)".';
comment on column marts.movies.genres is 'Genres in alphabetical order joined by " | ", e.g. "Animation | Children''s | Comedy"; NULL if none.';
comment on column marts.movies.release_year is 'Year from the title''s trailing "(yyyy)"; NULL if absent.';
comment on column marts.movies.count_ratings is 'MovieLens ratings of the movie (0 if nobody rated it).';
comment on column marts.movies.mean_rating is 'Mean stars, 1 to 5; NULL when nobody rated the movie.';
comment on column marts.movies.damped_mean_rating is '(sum of stars + 100 * global mean) / (count_ratings + 100): mean shrunk towards the global mean; equals it for an unrated movie.';
