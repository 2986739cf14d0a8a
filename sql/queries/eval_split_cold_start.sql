/*
Purpose: user-level holdout for cold start: round($user_fraction * users) users, taken in the
         order of md5(seed:user_id), have every rating in 'test'; all other ratings 'train'.
Grain:   one row per (user_id, movie_id), fold 0.
Inputs:  staging.stg_ratings; parameters $seed, $user_fraction.
*/
with ratings as (
    select
        user_id,
        movie_id
    from staging.stg_ratings
),

users_shuffled as (
    select
        user_id,
        row_number() over (
            order by md5(concat_ws(':', $seed, user_id)), user_id
        ) as shuffled_position,
        count(*) over () as count_users
    from (select distinct user_id from ratings)
),

users_held_out as (
    select user_id
    from users_shuffled
    where shuffled_position <= round(count_users * $user_fraction)
),

assignments as (
    select
        0 as fold,
        ratings.user_id,
        ratings.movie_id,
        case
            when
                ratings.user_id in (
                    select users_held_out.user_id from users_held_out
                )
                then 'test'
            else 'train'
        end as part
    from ratings
)

select * from assignments
