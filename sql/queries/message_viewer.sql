/*
Purpose: demographics of MovieLens users for the personal message.
Grain:   one row per requested user that exists.
Inputs:  $user_ids (list); staging.stg_users, staging.stg_age_buckets.
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
where list_contains($user_ids, users.user_id)
