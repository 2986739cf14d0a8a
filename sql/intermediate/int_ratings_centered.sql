/*
Purpose: each training rating with the two centrings the similarities and predictions use:
         - user_centered_rating = r_ui - mean_u, mean_u = mean of ALL of u's training ratings
           (whole-profile mean; adjusted cosine between movies uses it);
         - baseline_residual = r_ui - (mu + b_u + b_i), the baseline predictor's error
           (Pearson-baseline similarities and both kNN predictors use it, as KNNBaseline).
Grain:   one row per training (user_id, movie_id).
Inputs:  intermediate.int_ratings_kept_for_training, intermediate.int_rating_biases_fitted.
Build:   a TABLE, not a view: the similarity blocks (sql/queries/fill_*_similarities_block.sql)
         and the latent factors all read it; as a view each block would refit the biases.
*/
create or replace table intermediate.int_ratings_centered as
with ratings_kept_for_training as (
    select * from intermediate.int_ratings_kept_for_training
),

rating_biases_fitted as (
    select * from intermediate.int_rating_biases_fitted
),

global_mean as (
    select bias as global_mean
    from rating_biases_fitted
    where bias_kind = 'global'
),

user_biases as (
    select
        entity_id as user_id,
        bias as user_bias
    from rating_biases_fitted
    where bias_kind = 'user'
),

movie_biases as (
    select
        entity_id as movie_id,
        bias as movie_bias
    from rating_biases_fitted
    where bias_kind = 'movie'
),

ratings_with_user_mean as (
    select
        user_id,
        movie_id,
        rating,
        avg(rating) over (partition by user_id) as user_mean_rating
    from ratings_kept_for_training
),

ratings_centered as (
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.rating,
        ratings.rating - ratings.user_mean_rating as user_centered_rating,
        ratings.rating
        - global_mean.global_mean
        - user_biases.user_bias
        - movie_biases.movie_bias as baseline_residual
    from ratings_with_user_mean as ratings
    cross join global_mean
    inner join user_biases on ratings.user_id = user_biases.user_id
    inner join movie_biases on ratings.movie_id = movie_biases.movie_id
)

select * from ratings_centered;

comment on table intermediate.int_ratings_centered is 'Training ratings with user-mean centring (whole profile) and baseline residuals r - (mu + b_u + b_i).';
comment on column intermediate.int_ratings_centered.user_id is 'The rating user.';
comment on column intermediate.int_ratings_centered.movie_id is 'The rated movie.';
comment on column intermediate.int_ratings_centered.rating is 'Stars, 1.0 to 5.0.';
comment on column intermediate.int_ratings_centered.user_centered_rating is 'rating minus the mean of all the user''s training ratings.';
comment on column intermediate.int_ratings_centered.baseline_residual is 'rating minus the baseline prediction mu + b_u + b_i.';
