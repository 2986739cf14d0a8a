/*
Purpose: regularised movie bias b_i of the baseline predictor mu + b_u + b_i (ALS, see
         intermediate.int_rating_biases_fitted). A movie without a row (never rated) has bias 0.
Grain:   one row per movie with at least one training rating.
Inputs:  intermediate.int_rating_biases_fitted.
*/
create or replace table marts.movie_biases as
with rating_biases_fitted as (
    select * from intermediate.int_rating_biases_fitted
),

movie_biases as (
    select
        cast(entity_id as integer) as movie_id,
        bias as movie_bias
    from rating_biases_fitted
    where bias_kind = 'movie'
    order by movie_id
)

select * from movie_biases;

comment on table marts.movie_biases is 'Regularised movie biases b_i of the baseline mu + b_u + b_i; unrated movie = 0.';
comment on column marts.movie_biases.movie_id is 'The movie.';
comment on column marts.movie_biases.movie_bias is 'How many stars above (+) or below (-) mu + b_u this movie is rated, shrunk towards 0 by lambda_i.';
