/*
Purpose: people who signed up in WatchIt (`watchit signup`), kept apart from the MovieLens
         raw tables; `watchit load` carries the rows over to a reloaded warehouse.
Grain:   one row per user_id; ids are allocated above every MovieLens user id.
Inputs:  written by pipeline/signup.py in one transaction with the user's ratings.
*/
create table if not exists app.users (
    user_id integer primary key,
    name varchar not null,
    gender varchar not null,
    occupation varchar not null,
    zip_code varchar,
    zip_region varchar,
    age_years integer not null,
    age_bucket_code integer not null,
    signed_up_at timestamp not null
);

comment on table app.users is 'Users who signed up with watchit signup (not MovieLens users); carried over by watchit load.';
comment on column app.users.user_id is 'New user id, larger than every MovieLens user id at sign-up time.';
comment on column app.users.name is 'Name as given, control characters removed, at most 100 characters.';
comment on column app.users.gender is 'M or F.';
comment on column app.users.occupation is 'Occupation from staging.stg_occupations of the loaded layout.';
comment on column app.users.zip_code is 'Zip code as given; NULL if not given.';
comment on column app.users.zip_region is 'First digit of a US zip code, other, or NULL (same rule as staging.stg_users).';
comment on column app.users.age_years is 'Age in years, 1 to 120.';
comment on column app.users.age_bucket_code is 'ML-1M age bucket code (staging.stg_age_buckets).';
comment on column app.users.signed_up_at is 'When the user signed up, UTC.';
