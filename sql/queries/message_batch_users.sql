/*
Purpose: the users `watchit message --all` writes messages for: MovieLens users with ratings,
         lowest id first.
Grain:   one row per user_id, at most $limit rows.
Inputs:  $limit; staging.stg_users, staging.stg_ratings.
*/
with users as (
    select * from staging.stg_users
),

ratings as (
    select * from staging.stg_ratings
),

users_with_ratings as (
    select users.user_id
    from users
    where exists (
        select 1 from ratings
        where ratings.user_id = users.user_id
    )
)

select user_id
from users_with_ratings
order by user_id
limit $limit
