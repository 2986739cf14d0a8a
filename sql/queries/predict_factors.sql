/*
Purpose: matrix-factorisation prediction for every row of the relation
         prediction_requests(user_id, movie_id):
             r_hat_ui = mu + b_u + b_i + p_u . q_i
         with p_u, q_i the latent factors of marts.user_factors / marts.movie_factors (ALS on
         the baseline residuals, see their headers). When the user or the movie has no factors
         (unknown, or not in the training ratings) the baseline is used and is_fallback is
         true. Clipped to [1, 5].
Grain:   one row per distinct request (user_id, movie_id).
Inputs:  prediction_requests (a temp table, or a step of a recommendation run),
         marts.rating_baselines, marts.user_biases,
         marts.movie_biases, marts.user_factors, marts.movie_factors.
*/
with requests as (
    select distinct
        user_id,
        movie_id
    from prediction_requests
),

rating_baselines as (
    select * from marts.rating_baselines
),

requests_scored as (
    select
        requests.user_id,
        requests.movie_id,
        rating_baselines.global_mean
        + coalesce(user_biases.user_bias, 0)
        + coalesce(movie_biases.movie_bias, 0) as baseline_rating,
        list_dot_product(
            user_factors.latent_factors, movie_factors.latent_factors
        ) as residual_prediction
    from requests
    cross join rating_baselines
    left join marts.user_biases as user_biases
        on requests.user_id = user_biases.user_id
    left join marts.movie_biases as movie_biases
        on requests.movie_id = movie_biases.movie_id
    left join marts.user_factors as user_factors
        on requests.user_id = user_factors.user_id
    left join marts.movie_factors as movie_factors
        on requests.movie_id = movie_factors.movie_id
),

predictions as (
    select
        user_id,
        movie_id,
        least(
            greatest(baseline_rating + coalesce(residual_prediction, 0), 1), 5
        ) as predicted_rating,
        baseline_rating,
        residual_prediction,
        residual_prediction is null as is_fallback
    from requests_scored
)

select * from predictions
