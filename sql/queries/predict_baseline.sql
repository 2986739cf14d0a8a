/*
Purpose: baseline prediction mu + b_u + b_i for every row of the relation
         prediction_requests(user_id, movie_id). An unknown user or movie has bias 0, so a
         pair with both unknown gets the global mean mu. is_fallback is always false here
         (the baseline is the method itself). Clipped to [1, 5].
Grain:   one row per distinct request (user_id, movie_id).
Inputs:  prediction_requests (a temp table, or a step of a recommendation run),
         marts.rating_baselines, marts.user_biases, marts.movie_biases.
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

baseline_predicted as (
    select
        requests.user_id,
        requests.movie_id,
        rating_baselines.global_mean
        + coalesce(user_biases.user_bias, 0)
        + coalesce(movie_biases.movie_bias, 0) as baseline_rating
    from requests
    cross join rating_baselines
    left join marts.user_biases as user_biases
        on requests.user_id = user_biases.user_id
    left join marts.movie_biases as movie_biases
        on requests.movie_id = movie_biases.movie_id
),

predictions as (
    select
        user_id,
        movie_id,
        least(greatest(baseline_rating, 1), 5) as predicted_rating,
        baseline_rating,
        false as is_fallback
    from baseline_predicted
)

select * from predictions
