/*
Purpose: `recommend --method cluster`: for every user of the temp table requested_users, the
         popular movies of their taste cluster (marts.cluster_popular_movies, damped like
         share) that they have not rated yet, top $limit, with the cluster label.
Grain:   one row per (user_id, recommended movie); at most $limit per user.
Inputs:  temp requested_users(user_id), marts.user_clusters, marts.clusters,
         marts.cluster_popular_movies, staging.stg_ratings, staging.stg_movies,
         staging.stg_movie_genres; parameter $limit.
*/
with requested_users as (
    select distinct user_id from requested_users
),

user_clusters as (
    select * from marts.user_clusters
),

clusters as (
    select * from marts.clusters
),

cluster_popular_movies as (
    select * from marts.cluster_popular_movies
),

ratings as (
    select * from staging.stg_ratings
),

genres_listed as (
    select
        movie_id,
        string_agg(genre, ', ' order by genre) as genres
    from staging.stg_movie_genres
    group by movie_id
),

unseen_candidates as (
    select
        requested_users.user_id,
        cluster_popular_movies.movie_id,
        clusters.label as cluster_label,
        clusters.count_users as cluster_size,
        cluster_popular_movies.count_likes,
        cluster_popular_movies.damped_mean_rating,
        cluster_popular_movies.damped_like_share,
        row_number() over (
            partition by requested_users.user_id
            order by cluster_popular_movies.popularity_rank
        ) as recommendation_rank
    from requested_users
    inner join user_clusters
        on requested_users.user_id = user_clusters.user_id
    inner join clusters
        on user_clusters.cluster_id = clusters.cluster_id
    inner join cluster_popular_movies
        on user_clusters.cluster_id = cluster_popular_movies.cluster_id
    anti join ratings
        on
            requested_users.user_id = ratings.user_id
            and cluster_popular_movies.movie_id = ratings.movie_id
),

recommendations as (
    select
        unseen_candidates.user_id,
        cast(unseen_candidates.recommendation_rank as integer) as rank,
        unseen_candidates.movie_id,
        movies.title,
        movies.release_year,
        genres_listed.genres,
        unseen_candidates.damped_mean_rating as predicted_rating,
        unseen_candidates.damped_like_share as score,
        unseen_candidates.cluster_label,
        unseen_candidates.cluster_size,
        unseen_candidates.count_likes
    from unseen_candidates
    inner join staging.stg_movies as movies
        on unseen_candidates.movie_id = movies.movie_id
    left join genres_listed
        on unseen_candidates.movie_id = genres_listed.movie_id
    where unseen_candidates.recommendation_rank <= $limit
)

select * from recommendations
order by user_id, rank
