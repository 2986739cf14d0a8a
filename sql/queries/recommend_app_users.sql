/*
Purpose: the signed-up users (app.users) one recommendation run is for: those of $user_ids
         that exist, or every signed-up user when $user_ids is NULL. pipeline/recommend.py
         adds them to the MovieLens users of recommend_users.sql; run only when app.users
         exists (warehouses loaded before sign-ups existed lack it).
Grain:   one row per user_id.
Inputs:  $user_ids (integer list or NULL); app.users.
*/
with app_users as (
    select user_id from app.users
),

users_requested as (
    select user_id
    from app_users
    where
        $user_ids::integer [] is null
        or list_contains($user_ids::integer [], user_id)
)

select * from users_requested
