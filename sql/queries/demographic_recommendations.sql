/*
Purpose: the top $limit popular movies of one demographic group (marts.demographic_popular_movies)
         that are not in $excluded_movie_ids (movies the person already rated), with the movie
         details shown to people.
Grain:   one row per recommended movie, ordered by the group's popularity rank.
Inputs:  marts.demographic_popular_movies, staging.stg_movies, staging.stg_movie_genres;
         parameters $group_id, $excluded_movie_ids (integer list), $limit.
*/
with demographic_popular_movies as (
    select * from marts.demographic_popular_movies
    where group_id = $group_id
),

movies as (
    select * from staging.stg_movies
),

genres_listed as (
    select
        movie_id,
        string_agg(genre, ', ' order by genre) as genres
    from staging.stg_movie_genres
    group by movie_id
),

candidates as (
    select
        demographic_popular_movies.movie_id,
        movies.title,
        genres_listed.genres,
        movies.release_year,
        demographic_popular_movies.damped_mean_rating as predicted_rating,
        demographic_popular_movies.damped_like_share as score,
        demographic_popular_movies.count_ratings,
        demographic_popular_movies.count_likes,
        demographic_popular_movies.popularity_rank
    from demographic_popular_movies
    inner join movies
        on demographic_popular_movies.movie_id = movies.movie_id
    left join genres_listed
        on demographic_popular_movies.movie_id = genres_listed.movie_id
    where not list_contains($excluded_movie_ids, demographic_popular_movies.movie_id)
)

select * from candidates
order by popularity_rank
limit $limit
