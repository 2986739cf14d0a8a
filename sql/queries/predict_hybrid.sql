/*
Purpose: hybrid prediction for every row of the relation prediction_requests(user_id,
         movie_id): the baseline plus a least-squares blend of three residual predictions,
             r_hat_ui = b_ui + w_0 + w_item * item_residual + w_user * user_residual
                        + w_factor * factor_residual
                        + w_item_c * item_residual * S_item / (S_item + 1)
                        + w_user_c * user_residual * S_user / (S_user + 1)
         item_residual / user_residual are the residual parts of sql/queries/predict_item.sql
         and predict_user.sql (the same neighbour selection: top-k among the movies u rated /
         among the users who rated i, similarity > 0), factor_residual = p_u . q_i from
         marts.user_factors / marts.movie_factors (predict_factors.sql); S_item / S_user are
         the sums of the similarities of the neighbours used, so the *_by_confidence features
         let the blend trust a kNN estimate more when it rests on more, closer neighbours. A
         missing component counts 0. The weights come from marts.hybrid_blend_weights (fitted on a validation
         holdout of the training ratings; defaults 0 / 0.5 / 0.5 / 0 / 0 / 0 if absent). is_fallback is
         true when no component exists (unknown user or movie): the prediction is then the
         baseline alone, without w_0. Clipped to [1, 5]. The two kNN CTE chains repeat
         predict_item.sql / predict_user.sql on purpose: composing those files with this one
         (sqlfiles.compose) gave the same ratings but one live recommendation on ML-100K took
         44 ms instead of 38 (three request, baseline and join chains instead of one).
Grain:   one row per distinct request (user_id, movie_id).
Inputs:  prediction_requests (a temp table, or a step of a recommendation run),
         intermediate.int_ratings_centered (training ratings
         with their baseline residuals, stored by the build),
         marts.movie_similarities, marts.user_similarities, marts.rating_baselines,
         marts.user_biases, marts.movie_biases, marts.user_factors, marts.movie_factors,
         marts.hybrid_blend_weights, meta.build_parameters (item_neighbours_k,
         user_neighbours_k).
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
        ) as item_neighbours_k,
        coalesce(
            max(value) filter (where name = 'user_neighbours_k'), 40
        ) as user_neighbours_k
    from meta.build_parameters
),

blend_weights as (
    -- One scan (component is the primary key), not a subquery per weight.
    select
        coalesce(
            max(weight) filter (where component = 'intercept'), 0
        ) as intercept_weight,
        coalesce(
            max(weight) filter (where component = 'item_residual'), 0.5
        ) as item_weight,
        coalesce(
            max(weight) filter (where component = 'user_residual'), 0.5
        ) as user_weight,
        coalesce(
            max(weight) filter (where component = 'factor_residual'), 0
        ) as factor_weight,
        coalesce(
            max(weight) filter (
                where component = 'item_residual_by_confidence'
            ),
            0
        ) as item_confidence_weight,
        coalesce(
            max(weight) filter (
                where component = 'user_residual_by_confidence'
            ),
            0
        ) as user_confidence_weight
    from marts.hybrid_blend_weights
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
    -- Two reads, not one shared CTE: DuckDB would materialise that CTE whole
    -- (every training rating) before either filter.
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.baseline_residual
    from intermediate.int_ratings_centered as ratings
    where ratings.user_id in (select requests.user_id from requests)
),

requested_movies_residuals as (
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.baseline_residual
    from intermediate.int_ratings_centered as ratings
    where ratings.movie_id in (select requests.movie_id from requests)
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

item_neighbours_rated_by_user as (
    select
        requests.user_id,
        requests.movie_id,
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

item_residuals_aggregated as (
    select
        item_neighbours_rated_by_user.user_id,
        item_neighbours_rated_by_user.movie_id,
        sum(
            item_neighbours_rated_by_user.similarity
            * item_neighbours_rated_by_user.baseline_residual
        )
        / nullif(sum(item_neighbours_rated_by_user.similarity), 0)
            as item_residual,
        sum(item_neighbours_rated_by_user.similarity) as item_similarity_sum
    from item_neighbours_rated_by_user
    cross join parameters
    where
        item_neighbours_rated_by_user.neighbour_rank
        <= parameters.item_neighbours_k
    group by
        item_neighbours_rated_by_user.user_id,
        item_neighbours_rated_by_user.movie_id
),

user_neighbours_who_rated_movie as (
    select
        requests.user_id,
        requests.movie_id,
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

user_residuals_aggregated as (
    select
        user_neighbours_who_rated_movie.user_id,
        user_neighbours_who_rated_movie.movie_id,
        sum(
            user_neighbours_who_rated_movie.similarity
            * user_neighbours_who_rated_movie.baseline_residual
        )
        / nullif(sum(user_neighbours_who_rated_movie.similarity), 0)
            as user_residual,
        sum(user_neighbours_who_rated_movie.similarity) as user_similarity_sum
    from user_neighbours_who_rated_movie
    cross join parameters
    where
        user_neighbours_who_rated_movie.neighbour_rank
        <= parameters.user_neighbours_k
    group by
        user_neighbours_who_rated_movie.user_id,
        user_neighbours_who_rated_movie.movie_id
),

components_joined as (
    select
        requests_with_baseline.user_id,
        requests_with_baseline.movie_id,
        requests_with_baseline.baseline_rating,
        item_residuals_aggregated.item_residual,
        user_residuals_aggregated.user_residual,
        item_residuals_aggregated.item_residual
        * item_residuals_aggregated.item_similarity_sum
        / (item_residuals_aggregated.item_similarity_sum + 1)
            as item_residual_by_confidence,
        user_residuals_aggregated.user_residual
        * user_residuals_aggregated.user_similarity_sum
        / (user_residuals_aggregated.user_similarity_sum + 1)
            as user_residual_by_confidence,
        list_dot_product(
            user_factors.latent_factors, movie_factors.latent_factors
        ) as factor_residual
    from requests_with_baseline
    left join item_residuals_aggregated
        on
            requests_with_baseline.user_id = item_residuals_aggregated.user_id
            and requests_with_baseline.movie_id
            = item_residuals_aggregated.movie_id
    left join user_residuals_aggregated
        on
            requests_with_baseline.user_id = user_residuals_aggregated.user_id
            and requests_with_baseline.movie_id
            = user_residuals_aggregated.movie_id
    left join marts.user_factors as user_factors
        on requests_with_baseline.user_id = user_factors.user_id
    left join marts.movie_factors as movie_factors
        on requests_with_baseline.movie_id = movie_factors.movie_id
),

components_flagged as (
    select
        *,
        item_residual is null
        and user_residual is null
        and factor_residual is null as is_fallback
    from components_joined
),

predictions as (
    select
        components_flagged.user_id,
        components_flagged.movie_id,
        least(
            greatest(
                components_flagged.baseline_rating
                + case
                    when components_flagged.is_fallback then 0
                    else
                        blend_weights.intercept_weight
                        + blend_weights.item_weight
                        * coalesce(components_flagged.item_residual, 0)
                        + blend_weights.user_weight
                        * coalesce(components_flagged.user_residual, 0)
                        + blend_weights.factor_weight
                        * coalesce(components_flagged.factor_residual, 0)
                        + blend_weights.item_confidence_weight
                        * coalesce(
                            components_flagged.item_residual_by_confidence, 0
                        )
                        + blend_weights.user_confidence_weight
                        * coalesce(
                            components_flagged.user_residual_by_confidence, 0
                        )
                end,
                1
            ),
            5
        ) as predicted_rating,
        components_flagged.baseline_rating,
        components_flagged.item_residual,
        components_flagged.user_residual,
        components_flagged.factor_residual,
        components_flagged.item_residual_by_confidence,
        components_flagged.user_residual_by_confidence,
        components_flagged.is_fallback
    from components_flagged
    cross join blend_weights
)

select * from predictions
