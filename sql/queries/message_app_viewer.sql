/*
Purpose: a user who signed up in WatchIt (app.users): name and demographics for the message.
Grain:   one row per requested id that is a sign-up.
Inputs:  $user_ids (list); app.users, staging.stg_age_buckets. Run only when app.users exists.
*/
with app_users as (
    select * from app.users
),

age_buckets as (
    select * from staging.stg_age_buckets
)

select
    app_users.user_id,
    app_users.name,
    app_users.gender,
    app_users.occupation,
    app_users.zip_code,
    age_buckets.age_bucket
from app_users
left join age_buckets
    on app_users.age_bucket_code = age_buckets.age_bucket_code
where list_contains($user_ids, app_users.user_id)
