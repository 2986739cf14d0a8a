/*
Purpose: baseline predictor b_ui = mu + b_u + b_i: the regularised user and movie biases,
         fitted like Surprise's BaselineOnly with method 'als' (alternating least squares,
         starting from zero biases). Each of the 10 passes updates
             b_u = sum_{i in I_u} (r_ui - mu - b_i) / (lambda_u + |I_u|)      then
             b_i = sum_{u in U_i} (r_ui - mu - b_u) / (lambda_i + |U_i|).
         The passes are unrolled below (a fixed count, as in Surprise's n_epochs = 10: a view
         cannot loop over a parameter).
Grain:   one row with the global mean mu (bias_kind 'global', entity_id NULL), one per user
         (bias_kind 'user') and one per rated movie (bias_kind 'movie').
Inputs:  intermediate.int_ratings_kept_for_training; meta.build_parameters
         (user_bias_regularisation lambda_u, default 15; movie_bias_regularisation lambda_i,
         default 10: Surprise's defaults).
Caveat:  mu is the mean of the training ratings. Denominators are lambda + count >= 1 for a
         rated entity (nullif guards the impossible zero). Unrated movies and unknown users have
         no row: their bias is 0 (the prediction queries coalesce).
*/
create or replace view intermediate.int_rating_biases_fitted as
with ratings_kept_for_training as (
    select * from intermediate.int_ratings_kept_for_training
),

parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'user_bias_regularisation'
            ),
            15
        ) as user_regularisation,
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'movie_bias_regularisation'
            ),
            10
        ) as movie_regularisation
),

global_mean as (
    select avg(rating) as global_mean from ratings_kept_for_training
),

ratings_centered_on_global_mean as materialized (
    select
        ratings_kept_for_training.user_id,
        ratings_kept_for_training.movie_id,
        ratings_kept_for_training.rating - global_mean.global_mean as residual
    from ratings_kept_for_training
    cross join global_mean
),

movie_biases_pass_0 as (
    select distinct
        movie_id,
        0.0 as movie_bias
    from ratings_centered_on_global_mean
),

user_biases_pass_1 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_0 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_1 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_1 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_2 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_1 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_2 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_2 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_3 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_2 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_3 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_3 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_4 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_3 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_4 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_4 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_5 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_4 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_5 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_5 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_6 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_5 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_6 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_6 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_7 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_6 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_7 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_7 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_8 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_7 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_8 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_8 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_9 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_8 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_9 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_9 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

user_biases_pass_10 as materialized (
    select
        ratings.user_id,
        sum(ratings.residual - movie_biases.movie_bias)
        / nullif(any_value(parameters.user_regularisation) + count(*), 0)
            as user_bias
    from ratings_centered_on_global_mean as ratings
    inner join movie_biases_pass_9 as movie_biases
        on ratings.movie_id = movie_biases.movie_id
    cross join parameters
    group by ratings.user_id
),

movie_biases_pass_10 as materialized (
    select
        ratings.movie_id,
        sum(ratings.residual - user_biases.user_bias)
        / nullif(any_value(parameters.movie_regularisation) + count(*), 0)
            as movie_bias
    from ratings_centered_on_global_mean as ratings
    inner join user_biases_pass_10 as user_biases
        on ratings.user_id = user_biases.user_id
    cross join parameters
    group by ratings.movie_id
),

biases_unioned as (
    select
        'global' as bias_kind,
        cast(null as integer) as entity_id,
        global_mean as bias
    from global_mean
    union all
    select
        'user' as bias_kind,
        user_id as entity_id,
        user_bias as bias
    from user_biases_pass_10
    union all
    select
        'movie' as bias_kind,
        movie_id as entity_id,
        movie_bias as bias
    from movie_biases_pass_10
)

select * from biases_unioned;

comment on view intermediate.int_rating_biases_fitted is 'Regularised user and movie biases of the baseline predictor mu + b_u + b_i (10 ALS passes, as Surprise BaselineOnly als).';
comment on column intermediate.int_rating_biases_fitted.bias_kind is '''global'' (the global mean, entity_id NULL), ''user'' (entity_id is a user_id) or ''movie'' (a movie_id).';
comment on column intermediate.int_rating_biases_fitted.entity_id is 'user_id or movie_id, per bias_kind.';
comment on column intermediate.int_rating_biases_fitted.bias is 'Global mean rating (global row) or fitted bias in stars added to it.';
