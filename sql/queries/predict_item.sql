/*
Purpose: item-based kNN over baseline residuals (Surprise KNNBaseline, item based) for every
         row of the relation prediction_requests(user_id, movie_id):
             r_hat_ui = b_ui + sum_{j in N_k(i; u)} s_ij (r_uj - b_uj) / sum_{j in N_k(i; u)} s_ij
         with b_ui = mu + b_u + b_i and s_ij the shrunk Pearson-baseline `similarity` of
         marts.movie_similarities. N_k(i; u) = the item_neighbours_k movies most similar to i
         AMONG THOSE u RATED, with s_ij > 0 (ties, after rounding to 12 decimals: smaller movie id). When no such neighbour
         exists (unknown user or movie, or no supported positive pair) the baseline is used
         and is_fallback is true. Clipped to [1, 5].
Grain:   one row per distinct request (user_id, movie_id).
Inputs:  prediction_requests (a temp table, or a step of a recommendation run),
         intermediate.int_ratings_centered (training ratings
         with their baseline residuals, stored by the build),
         marts.movie_similarities, marts.rating_baselines, marts.user_biases,
         marts.movie_biases, meta.build_parameters (item_neighbours_k).
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
            max(value) filter (where name = 'item_neighbours_k'), 40
        ) as item_neighbours_k
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

requesting_users_residuals as (
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.baseline_residual
    from intermediate.int_ratings_centered as ratings
    where ratings.user_id in (select requests.user_id from requests)
),

movie_similarities_needed as (
    -- Only the pairs (requested movie, movie a requesting user rated): the
    -- semi-joins filter the similarity scan (1.1M rows at ML-100K) on both keys
    -- before the join below, instead of probing its hash table with every pair.
    select
        movie_similarities.movie_id,
        movie_similarities.similar_movie_id,
        movie_similarities.similarity
    from marts.movie_similarities as movie_similarities
    where
        movie_similarities.similarity > 0
        and movie_similarities.movie_id in (
            select requests.movie_id from requests
        )
        and movie_similarities.similar_movie_id in (
            select requesting_users_residuals.movie_id
            from requesting_users_residuals
        )
),

neighbours_rated_by_user as (
    select
        requests.user_id,
        requests.movie_id,
        movie_similarities.similar_movie_id,
        movie_similarities.similarity,
        requesting_users_residuals.baseline_residual,
        row_number() over (
            partition by requests.user_id, requests.movie_id
            order by
                round(movie_similarities.similarity, 12) desc,
                movie_similarities.similar_movie_id asc
        ) as neighbour_rank
    from requests
    inner join requesting_users_residuals
        on requests.user_id = requesting_users_residuals.user_id
    inner join movie_similarities_needed as movie_similarities
        on
            requests.movie_id = movie_similarities.movie_id
            and requesting_users_residuals.movie_id
            = movie_similarities.similar_movie_id
),

residuals_aggregated as (
    select
        neighbours_rated_by_user.user_id,
        neighbours_rated_by_user.movie_id,
        count(*) as count_neighbours,
        sum(
            neighbours_rated_by_user.similarity
            * neighbours_rated_by_user.baseline_residual
        )
        / nullif(sum(neighbours_rated_by_user.similarity), 0)
            as residual_prediction,
        sum(neighbours_rated_by_user.similarity) as sum_similarities
    from neighbours_rated_by_user
    cross join parameters
    where
        neighbours_rated_by_user.neighbour_rank
        <= parameters.item_neighbours_k
    group by neighbours_rated_by_user.user_id, neighbours_rated_by_user.movie_id
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
