/*
Purpose: the validation holdout used to fit the hybrid blend weights: ratings that are in
         staging.stg_ratings but not in the training ratings. Empty in a final build.
Grain:   one row per (user_id, movie_id).
Inputs:  staging.stg_ratings, intermediate.int_ratings_kept_for_training.
*/
create or replace view intermediate.int_ratings_held_out_for_validation as
with ratings as (
    select * from staging.stg_ratings
),

ratings_kept_for_training as (
    select * from intermediate.int_ratings_kept_for_training
),

ratings_held_out as (
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.rating
    from ratings
    anti join ratings_kept_for_training
        on
            ratings.user_id = ratings_kept_for_training.user_id
            and ratings.movie_id = ratings_kept_for_training.movie_id
)

select * from ratings_held_out;

comment on view intermediate.int_ratings_held_out_for_validation is 'Validation ratings held out of training while the hybrid blend weights are fitted; empty in a final build.';
comment on column intermediate.int_ratings_held_out_for_validation.user_id is 'The rating user.';
comment on column intermediate.int_ratings_held_out_for_validation.movie_id is 'The rated movie.';
comment on column intermediate.int_ratings_held_out_for_validation.rating is 'The true stars, 1.0 to 5.0.';
