/*
Purpose: rows of marts.cluster_popular_movies: per taste cluster, movies ranked by the damped
         like share (count_likes + $prior_weight * global_like_share)
                        / (cluster size + $prior_weight),
         movies with fewer than $min_ratings ratings in the cluster left out, top $top_n kept.
         damped_mean_rating = (sum of ratings + $prior_weight * global mean) / (count + w).
Grain:   one row per (cluster_id, movie_id).
Inputs:  marts.user_clusters, staging.stg_ratings.
*/
with user_clusters as (
    select * from marts.user_clusters
),

ratings as (
    select * from staging.stg_ratings
),

global_rating_mean as (
    select avg(rating) as mean_rating from ratings
),

global_like_shares as (
    select
        movie_id,
        count(*) filter (where rating >= 4)
        / (select count(distinct user_id) from ratings) as like_share
    from ratings
    group by movie_id
),

cluster_sizes as (
    select
        cluster_id,
        count(*) as count_users
    from user_clusters
    group by cluster_id
),

ratings_per_cluster_movie as (
    select
        user_clusters.cluster_id,
        ratings.movie_id,
        count(*) as count_ratings,
        count(*) filter (where ratings.rating >= 4) as count_likes,
        sum(ratings.rating) as sum_ratings
    from ratings
    inner join user_clusters
        on ratings.user_id = user_clusters.user_id
    group by user_clusters.cluster_id, ratings.movie_id
),

movies_scored as (
    select
        ratings_per_cluster_movie.cluster_id,
        ratings_per_cluster_movie.movie_id,
        ratings_per_cluster_movie.count_ratings,
        ratings_per_cluster_movie.count_likes,
        (
            ratings_per_cluster_movie.count_likes
            + $prior_weight * global_like_shares.like_share
        )
        / (cluster_sizes.count_users + $prior_weight) as damped_like_share,
        (
            ratings_per_cluster_movie.sum_ratings
            + $prior_weight * global_rating_mean.mean_rating
        )
        / (ratings_per_cluster_movie.count_ratings + $prior_weight)
            as damped_mean_rating
    from ratings_per_cluster_movie
    inner join cluster_sizes
        on ratings_per_cluster_movie.cluster_id = cluster_sizes.cluster_id
    inner join global_like_shares
        on ratings_per_cluster_movie.movie_id = global_like_shares.movie_id
    cross join global_rating_mean
    where ratings_per_cluster_movie.count_ratings >= $min_ratings
),

movies_ranked as (
    select
        cluster_id,
        movie_id,
        cast(row_number() over (
            partition by cluster_id
            order by damped_like_share desc, damped_mean_rating desc, movie_id asc
        ) as integer) as popularity_rank,
        count_ratings,
        count_likes,
        damped_like_share,
        damped_mean_rating
    from movies_scored
)

select * from movies_ranked
where popularity_rank <= $top_n
