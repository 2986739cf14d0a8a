/*
Purpose: the MovieLens users one recommendation run is for: those of $user_ids that exist,
         or every MovieLens user when $user_ids is NULL. With recommend_app_users.sql
         (signed-up users) it makes the step recommendation_users, the first of the
         statement pipeline/recommend.py composes from the recommend_*.sql files.
         Reads marts.users (one row per staging.stg_users user, built with the models): the
         same ids as the staging view, without planning its joins on every request.
Grain:   one row per user_id.
Inputs:  $user_ids (integer list or NULL); marts.users.
*/
with users as (
    select user_id from marts.users
),

users_requested as (
    select user_id
    from users
    where
        $user_ids::integer [] is null
        or list_contains($user_ids::integer [], user_id)
)

select * from users_requested
