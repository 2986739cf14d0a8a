/*
Purpose: user-based kNN over baseline residuals (Surprise KNNBaseline, user based; the
         baseline centres each neighbour's rating on its own user and movie bias) for every
         row of the relation prediction_requests(user_id, movie_id):
             r_hat_ui = b_ui + sum_{v in N_k(u; i)} s_uv (r_vi - b_vi) / sum_{v in N_k(u; i)} s_uv
         with b_ui = mu + b_u + b_i and s_uv the shrunk Pearson-baseline `similarity` of
         marts.user_similarities. N_k(u; i) = the user_neighbours_k users most similar to u
         AMONG THOSE WHO RATED i, with s_uv > 0 (ties, after rounding to 12 decimals: smaller user id). When no such
         neighbour exists the baseline is used and is_fallback is true. Clipped to [1, 5].
Grain:   one row per distinct request (user_id, movie_id).
Inputs:  prediction_requests (a temp table, or a step of a recommendation run),
         intermediate.int_ratings_centered (training ratings
         with their baseline residuals, stored by the build),
         marts.user_similarities, marts.rating_baselines, marts.user_biases,
         marts.movie_biases, meta.build_parameters (user_neighbours_k).
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

parameters as (
    -- One scan (name is the primary key), not a scalar subquery per value.
    select
        coalesce(
            max(value) filter (where name = 'user_neighbours_k'), 40
        ) as user_neighbours_k
    from meta.build_parameters
),

requests_with_baseline as (
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

requested_movies_residuals as (
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.baseline_residual
    from intermediate.int_ratings_centered as ratings
    where ratings.movie_id in (select requests.movie_id from requests)
),

neighbours_who_rated_movie as (
    select
        requests.user_id,
        requests.movie_id,
        user_similarities.similar_user_id,
        user_similarities.similarity,
        requested_movies_residuals.baseline_residual,
        row_number() over (
            partition by requests.user_id, requests.movie_id
            order by
                round(user_similarities.similarity, 12) desc,
                user_similarities.similar_user_id asc
        ) as neighbour_rank
    from requests
    inner join requested_movies_residuals
        on requests.movie_id = requested_movies_residuals.movie_id
    inner join marts.user_similarities as user_similarities
        on
            requests.user_id = user_similarities.user_id
            and requested_movies_residuals.user_id
            = user_similarities.similar_user_id
    where user_similarities.similarity > 0
),

residuals_aggregated as (
    select
        neighbours_who_rated_movie.user_id,
        neighbours_who_rated_movie.movie_id,
        count(*) as count_neighbours,
        sum(
            neighbours_who_rated_movie.similarity
            * neighbours_who_rated_movie.baseline_residual
        )
        / nullif(sum(neighbours_who_rated_movie.similarity), 0)
            as residual_prediction,
        sum(neighbours_who_rated_movie.similarity) as sum_similarities
    from neighbours_who_rated_movie
    cross join parameters
    where
        neighbours_who_rated_movie.neighbour_rank
        <= parameters.user_neighbours_k
    group by
        neighbours_who_rated_movie.user_id, neighbours_who_rated_movie.movie_id
),

predictions as (
    select
        requests_with_baseline.user_id,
        requests_with_baseline.movie_id,
        least(
            greatest(
                requests_with_baseline.baseline_rating
                + coalesce(residuals_aggregated.residual_prediction, 0),
                1
            ),
            5
        ) as predicted_rating,
        requests_with_baseline.baseline_rating,
        residuals_aggregated.residual_prediction,
        coalesce(residuals_aggregated.count_neighbours, 0) as count_neighbours,
        coalesce(residuals_aggregated.sum_similarities, 0) as sum_similarities,
        residuals_aggregated.residual_prediction is null as is_fallback
    from requests_with_baseline
    left join residuals_aggregated
        on
            requests_with_baseline.user_id = residuals_aggregated.user_id
            and requests_with_baseline.movie_id = residuals_aggregated.movie_id
)

select * from predictions
