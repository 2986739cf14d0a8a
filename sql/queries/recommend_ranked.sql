/*
Purpose: rank, explain and describe the top-$n recommendations of every user of the step
         recommendation_users, from
             recommendation_candidates(user_id, movie_id, item_explanation, user_explanation,
                                       item_support, user_support)  (recommend_candidates.sql)
             recommendation_predictions(user_id, movie_id, predicted_rating, ...)
                                       (predict_item / predict_user / predict_hybrid.sql)
         score = predicted_rating * ln(1 + item_support + user_support) (missing support = 0).
         Ranking by the predicted rating alone favours movies predicted from one weak
         neighbour; weighting by the neighbour support lifted precision@10 on a per-user
         temporal holdout of ML-100K from 0.027 to 0.064 for item kNN (README "serving").
         Explanation: the side with the larger blend weight * support (weights from
         marts.hybrid_blend_weights, default 0.5 each), or the only side that found it.
         Users with fewer than $n candidates (none at all for the popular method) are filled
         up from the step recommendation_fallbacks (recommend_popular_fallbacks.sql:
         popular movies they have not rated), ranked after every personal candidate.
Grain:   one row per (user_id, rank), rank 1..$n (fewer when a user has fewer unrated
         movies).
Inputs:  $n; the steps recommendation_candidates, recommendation_predictions,
         recommendation_fallbacks; marts.hybrid_blend_weights, marts.movies.
*/
with recommendation_candidates as (
    select * from recommendation_candidates
),

recommendation_predictions as (
    select * from recommendation_predictions
),

recommendation_fallbacks as (
    select * from recommendation_fallbacks
),

blend_weights as (
    -- One scan (component is the primary key), not a subquery per weight.
    select
        coalesce(
            max(abs(weight)) filter (where component = 'item_residual'), 0.5
        ) as item_weight,
        coalesce(
            max(abs(weight)) filter (where component = 'user_residual'), 0.5
        ) as user_weight
    from marts.hybrid_blend_weights
),

personal_recommendations as (
    select
        recommendation_candidates.user_id,
        recommendation_candidates.movie_id,
        recommendation_predictions.predicted_rating,
        recommendation_predictions.predicted_rating
        * ln(
            1
            + coalesce(recommendation_candidates.item_support, 0)
            + coalesce(recommendation_candidates.user_support, 0)
        ) as score,
        case
            when recommendation_candidates.user_explanation is null
                then recommendation_candidates.item_explanation
            when recommendation_candidates.item_explanation is null
                then recommendation_candidates.user_explanation
            when
                blend_weights.item_weight
                * recommendation_candidates.item_support
                >= blend_weights.user_weight
                * recommendation_candidates.user_support
                then recommendation_candidates.item_explanation
            else recommendation_candidates.user_explanation
        end as explanation,
        1 as tier
    from recommendation_candidates
    inner join recommendation_predictions
        on
            recommendation_candidates.user_id
            = recommendation_predictions.user_id
            and recommendation_candidates.movie_id
            = recommendation_predictions.movie_id
    cross join blend_weights
),

popular_fallbacks as (
    select
        user_id,
        movie_id,
        predicted_rating,
        score,
        explanation,
        2 as tier
    from recommendation_fallbacks
),

recommendations_ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by tier asc, score desc, predicted_rating desc, movie_id asc
        ) as rank
    from (
        select * from personal_recommendations
        union all
        select * from popular_fallbacks
    )
    qualify rank <= $n
),

recommendations_described as (
    select
        recommendations_ranked.user_id,
        recommendations_ranked.rank,
        recommendations_ranked.movie_id,
        movies.title,
        movies.release_year,
        movies.genres,
        recommendations_ranked.predicted_rating,
        recommendations_ranked.score,
        recommendations_ranked.explanation
    from recommendations_ranked
    inner join marts.movies as movies
        on recommendations_ranked.movie_id = movies.movie_id
    order by recommendations_ranked.user_id, recommendations_ranked.rank
)

select * from recommendations_described
