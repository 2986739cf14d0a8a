/*
Purpose: one row per MovieLens user for analysts and for serving: demographics (both layouts
         normalised by staging.stg_users) with the age bucket label and how the user rates.
Grain:   one row per user of staging.stg_users.
Inputs:  staging.stg_users, staging.stg_age_buckets, staging.stg_ratings.
Caveat:  signed-up users (app.users) are not here; they live in the app schema. A user without
         ratings has count_ratings 0 and mean_rating NULL.
*/
create or replace table marts.users as
with stg_users as (
    select * from staging.stg_users
),

stg_age_buckets as (
    select * from staging.stg_age_buckets
),

stg_ratings as (
    select * from staging.stg_ratings
),

ratings_summarised as (
    select
        user_id,
        count(*) as count_ratings,
        avg(rating) as mean_rating
    from stg_ratings
    group by user_id
),

users_described as (
    select
        stg_users.user_id,
        stg_users.gender,
        stg_users.occupation,
        stg_users.zip_code,
        stg_users.zip_region,
        stg_age_buckets.age_bucket,
        stg_users.age_years,
        stg_users.age_bucket_code,
        coalesce(ratings_summarised.count_ratings, 0) as count_ratings,
        ratings_summarised.mean_rating
    from stg_users
    left join stg_age_buckets
        on stg_users.age_bucket_code = stg_age_buckets.age_bucket_code
    left join ratings_summarised
        on stg_users.user_id = ratings_summarised.user_id
    order by stg_users.user_id
)

select * from users_described;

comment on table marts.users is 'One row per MovieLens user: gender, age, occupation, zip, rating count and mean rating.';
comment on column marts.users.user_id is 'User id from the source file.';
comment on column marts.users.gender is 'M or F.';
comment on column marts.users.occupation is 'Occupation name in the dataset''s own vocabulary (staging.stg_occupations).';
comment on column marts.users.zip_code is 'Zip code as given (text).';
comment on column marts.users.zip_region is 'First digit of a US zip code (national area 0-9), else other.';
comment on column marts.users.age_bucket is 'Age bucket label, e.g. 25-34 (ML-1M buckets; ML-100K ages mapped onto them).';
comment on column marts.users.age_years is 'Exact age in years (ML-100K only; NULL for ML-1M).';
comment on column marts.users.age_bucket_code is 'ML-1M age bucket code (staging.stg_age_buckets).';
comment on column marts.users.count_ratings is 'MovieLens ratings the user made (0 if none).';
comment on column marts.users.mean_rating is 'Mean stars the user gives, 1 to 5; NULL without ratings.';
