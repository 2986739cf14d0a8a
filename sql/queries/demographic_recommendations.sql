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

unseen_top_movies as (
    select *
    from demographic_popular_movies
    where not list_contains($excluded_movie_ids, movie_id)
    order by popularity_rank
    limit $limit
),

genres_listed as (
    select
        movie_id,
        string_agg(genre, ', ' order by genre) as genres
    from staging.stg_movie_genres
    where movie_id in (select unseen_top_movies.movie_id from unseen_top_movies)
    group by movie_id
),

candidates as (
    select
        unseen_top_movies.movie_id,
        movies.title,
        genres_listed.genres,
        movies.release_year,
        unseen_top_movies.damped_mean_rating as predicted_rating,
        unseen_top_movies.damped_like_share as score,
        unseen_top_movies.count_ratings,
        unseen_top_movies.count_likes,
        unseen_top_movies.popularity_rank
    from unseen_top_movies
    inner join staging.stg_movies as movies
        on unseen_top_movies.movie_id = movies.movie_id
    left join genres_listed
        on unseen_top_movies.movie_id = genres_listed.movie_id
)

select * from candidates
order by popularity_rank
