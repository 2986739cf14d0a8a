/*
Purpose: regularised user bias b_u of the baseline predictor mu + b_u + b_i (ALS, see
         intermediate.int_rating_biases_fitted). A user without a row has bias 0.
Grain:   one row per user with at least one training rating.
Inputs:  intermediate.int_rating_biases_fitted.
*/
create or replace table marts.user_biases as
with rating_biases_fitted as (
    select * from intermediate.int_rating_biases_fitted
),

user_biases as (
    select
        cast(entity_id as integer) as user_id,
        bias as user_bias
    from rating_biases_fitted
    where bias_kind = 'user'
    order by user_id
)

select * from user_biases;

comment on table marts.user_biases is 'Regularised user biases b_u of the baseline mu + b_u + b_i; missing user = 0.';
comment on column marts.user_biases.user_id is 'The user.';
comment on column marts.user_biases.user_bias is 'How many stars above (+) or below (-) mu + b_i this user rates, shrunk towards 0 by lambda_u.';
