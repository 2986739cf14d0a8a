/*
Purpose: ratings given by signed-up users (app.users) during onboarding, kept apart from
         raw.ratings so a reload never mixes them with MovieLens data.
Grain:   one row per (user_id, movie_id).
Inputs:  written by pipeline/signup.py in the same transaction as the user.
*/
create table if not exists app.ratings (
    user_id integer not null,
    movie_id integer not null,
    rating integer not null,
    rated_at timestamp not null,
    primary key (user_id, movie_id)
);

comment on table app.ratings is 'Onboarding ratings of signed-up users (app.users); carried over by watchit load.';
comment on column app.ratings.user_id is 'The signed-up user (app.users).';
comment on column app.ratings.movie_id is 'A movie of staging.stg_movies.';
comment on column app.ratings.rating is 'Whole stars 1 to 5.';
comment on column app.ratings.rated_at is 'When the rating was stored, UTC.';
