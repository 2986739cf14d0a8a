/*
Purpose: each group's popular movies, for taste clusters and demographic groups alike: movies
         ranked by the damped like share
             (count_likes + $prior_weight * global_like_share) / (count_users + $prior_weight)
         movies rated by fewer than $min_ratings group members left out (unless the group has
         is_min_ratings_waived), top $top_n kept.
         damped_mean_rating = (sum of ratings + $prior_weight * global mean) / (count + w).
Grain:   one row per (group_id, movie_id).
Inputs:  temp popularity_group_members(group_id, user_id, count_users, is_min_ratings_waived),
         filled by cluster_popularity_members.sql or demographic_popularity_members.sql;
         staging.stg_ratings.
*/
with members as (
    select * from popularity_group_members
),

ratings as (
    select * from staging.stg_ratings
),

popularity_groups as (
    select distinct
        group_id,
        count_users,
        is_min_ratings_waived
    from members
),

global_rating_mean as (
    select avg(rating) as mean_rating from ratings
),

global_like_shares as (
    select
        movie_id,
        count(*) filter (where rating >= 4)
        / (
            select count(distinct all_ratings.user_id)
            from ratings as all_ratings
        ) as like_share
    from ratings
    group by movie_id
),

ratings_per_group_movie as (
    select
        members.group_id,
        ratings.movie_id,
        count(*) as count_ratings,
        count(*) filter (where ratings.rating >= 4) as count_likes,
        sum(ratings.rating) as sum_ratings
    from ratings
    inner join members
        on ratings.user_id = members.user_id
    group by members.group_id, ratings.movie_id
),

movies_scored as (
    select
        ratings_per_group_movie.group_id,
        ratings_per_group_movie.movie_id,
        ratings_per_group_movie.count_ratings,
        ratings_per_group_movie.count_likes,
        (
            ratings_per_group_movie.count_likes
            + $prior_weight * global_like_shares.like_share
        )
        / (popularity_groups.count_users + $prior_weight) as damped_like_share,
        (
            ratings_per_group_movie.sum_ratings
            + $prior_weight * global_rating_mean.mean_rating
        )
        / (ratings_per_group_movie.count_ratings + $prior_weight)
            as damped_mean_rating
    from ratings_per_group_movie
    inner join popularity_groups
        on ratings_per_group_movie.group_id = popularity_groups.group_id
    inner join global_like_shares
        on ratings_per_group_movie.movie_id = global_like_shares.movie_id
    cross join global_rating_mean
    where
        ratings_per_group_movie.count_ratings >= $min_ratings
        or popularity_groups.is_min_ratings_waived
),

movies_ranked as (
    select
        group_id,
        movie_id,
        cast(row_number() over (
            partition by group_id
            order by
                damped_like_share desc, damped_mean_rating desc, movie_id asc
        ) as integer) as popularity_rank,
        count_ratings,
        count_likes,
        damped_like_share,
        damped_mean_rating
    from movies_scored
)

select * from movies_ranked
where popularity_rank <= $top_n
