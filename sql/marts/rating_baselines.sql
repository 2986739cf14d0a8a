/*
Purpose: the global part of the baseline predictor b_ui = mu + b_u + b_i, with the settings it
         was fitted with. The per-user and per-movie biases are in marts.user_biases and
         marts.movie_biases; a user or movie without a row there has bias 0, so an unknown
         user and movie are predicted mu.
Grain:   exactly one row.
Inputs:  intermediate.int_rating_biases_fitted, intermediate.int_ratings_kept_for_training,
         meta.build_parameters.
*/
create or replace table marts.rating_baselines as
with rating_biases_fitted as (
    select * from intermediate.int_rating_biases_fitted
),

ratings_kept_for_training as (
    select * from intermediate.int_ratings_kept_for_training
),

training_counts as (
    select count(*) as count_ratings from ratings_kept_for_training
),

baseline_summarised as (
    select
        rating_biases_fitted.bias as global_mean,
        training_counts.count_ratings,
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'user_bias_regularisation'
            ),
            15
        ) as user_bias_regularisation,
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'movie_bias_regularisation'
            ),
            10
        ) as movie_bias_regularisation
    from rating_biases_fitted
    cross join training_counts
    where rating_biases_fitted.bias_kind = 'global'
)

select * from baseline_summarised;

comment on table marts.rating_baselines is 'One row: global mean mu of the baseline predictor mu + b_u + b_i and how the biases were regularised.';
comment on column marts.rating_baselines.global_mean is 'Mean of all training ratings (stars); the prediction for an unknown user and movie.';
comment on column marts.rating_baselines.count_ratings is 'Training ratings the baseline was fitted on.';
comment on column marts.rating_baselines.user_bias_regularisation is 'lambda_u in b_u = sum(r - mu - b_i) / (lambda_u + n_u).';
comment on column marts.rating_baselines.movie_bias_regularisation is 'lambda_i in b_i = sum(r - mu - b_u) / (lambda_i + n_i).';
