/*
Purpose: rows of marts.demographic_popular_movies for every group of marts.demographic_groups
         with has_enough_members: movies ranked by the damped like share
             (count_likes + $prior_weight * global_like_share) / (count_users + $prior_weight)
         (movies rated by fewer than $min_ratings group members left out, except at level 0),
         top $top_n kept. damped_mean_rating = (sum + w * global mean) / (count + w).
Grain:   one row per (group_id, movie_id).
Inputs:  marts.demographic_groups, staging.stg_users, staging.stg_ratings.
*/
with demographic_groups as (
    select * from marts.demographic_groups
    where has_enough_members
),

users as (
    select * from staging.stg_users
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

members_of_groups as (
    select
        demographic_groups.group_id,
        users.user_id
    from demographic_groups
    inner join users
        on
            (
                demographic_groups.gender is null
                or users.gender = demographic_groups.gender
            )
            and (
                demographic_groups.occupation is null
                or users.occupation = demographic_groups.occupation
            )
            and (
                demographic_groups.zip_region is null
                or users.zip_region = demographic_groups.zip_region
            )
            and (
                demographic_groups.age_bucket_code is null
                or users.age_bucket_code = demographic_groups.age_bucket_code
            )
),

ratings_per_group_movie as (
    select
        members_of_groups.group_id,
        ratings.movie_id,
        count(*) as count_ratings,
        count(*) filter (where ratings.rating >= 4) as count_likes,
        sum(ratings.rating) as sum_ratings
    from ratings
    inner join members_of_groups
        on ratings.user_id = members_of_groups.user_id
    group by members_of_groups.group_id, ratings.movie_id
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
        / (demographic_groups.count_users + $prior_weight) as damped_like_share,
        (
            ratings_per_group_movie.sum_ratings
            + $prior_weight * global_rating_mean.mean_rating
        )
        / (ratings_per_group_movie.count_ratings + $prior_weight)
            as damped_mean_rating
    from ratings_per_group_movie
    inner join demographic_groups
        on ratings_per_group_movie.group_id = demographic_groups.group_id
    inner join global_like_shares
        on ratings_per_group_movie.movie_id = global_like_shares.movie_id
    cross join global_rating_mean
    where
        ratings_per_group_movie.count_ratings >= $min_ratings
        or demographic_groups.group_level = 0
),

movies_ranked as (
    select
        group_id,
        movie_id,
        cast(row_number() over (
            partition by group_id
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
