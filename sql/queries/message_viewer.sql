/*
Purpose: demographics of one MovieLens user for the personal message.
Grain:   one row (none when the user does not exist).
Inputs:  $user_id; staging.stg_users, staging.stg_age_buckets.
*/
with users as (
    select * from staging.stg_users
),

age_buckets as (
    select * from staging.stg_age_buckets
)

select
    users.user_id,
    users.gender,
    users.occupation,
    users.zip_code,
    age_buckets.age_bucket
from users
left join age_buckets
    on users.age_bucket_code = age_buckets.age_bucket_code
where users.user_id = $user_id
