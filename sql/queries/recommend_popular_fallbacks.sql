/*
Purpose: the popular movies that fill up the lists of the users in the step
         recommendation_users who have fewer than $n personal recommendations (candidates
         with a predicted rating; none at all for the popular method): every movie of
         marts.popular_movies they have not rated (recommendation_exclusions) and that
         is not already a personal candidate. recommend_ranked.sql ranks them after every
         personal candidate, by score = damped_mean_rating. predicted_rating is the
         baseline mu + b_u + b_i clipped to [1, 5]; the explanation starts with
         $popular_label ("popular: " or "popular fallback (no personal match): ").
         For a run for one user, pipeline/recommend.py first uses recommend_no_fallbacks.sql
         instead (this query would return no row for a user with $n candidates) and adds
         this one only when the list comes out short.
Grain:   one row per (user_id, movie_id).
Inputs:  $n, $popular_label; the steps recommendation_users, recommendation_candidates,
         recommendation_predictions, recommendation_exclusions; marts.popular_movies,
         marts.rating_baselines, marts.user_biases, marts.movie_biases.
*/
with recommendation_users as (
    select user_id from recommendation_users  -- its primary key: no duplicates
),

rating_baselines as (
    select * from marts.rating_baselines
),

personal_recommendations as (
    select
        recommendation_candidates.user_id,
        recommendation_candidates.movie_id
    from recommendation_candidates
    inner join recommendation_predictions
        on
            recommendation_candidates.user_id
            = recommendation_predictions.user_id
            and recommendation_candidates.movie_id
            = recommendation_predictions.movie_id
),

users_short_of_candidates as (
    select recommendation_users.user_id
    from recommendation_users
    left join personal_recommendations
        on recommendation_users.user_id = personal_recommendations.user_id
    group by recommendation_users.user_id
    having count(personal_recommendations.movie_id) < $n
),

popular_fallbacks as (
    select
        users_short_of_candidates.user_id,
        popular_movies.movie_id,
        least(
            greatest(
                rating_baselines.global_mean
                + coalesce(user_biases.user_bias, 0)
                + coalesce(movie_biases.movie_bias, 0),
                1
            ),
            5
        ) as predicted_rating,
        popular_movies.damped_mean_rating as score,
        $popular_label || printf('%.1f', popular_movies.mean_rating)
        || ' average from ' || popular_movies.count_ratings
        || if(popular_movies.count_ratings = 1, ' rating', ' ratings')
            as explanation
    from users_short_of_candidates
    cross join marts.popular_movies as popular_movies
    cross join rating_baselines
    left join marts.user_biases as user_biases
        on users_short_of_candidates.user_id = user_biases.user_id
    left join marts.movie_biases as movie_biases
        on popular_movies.movie_id = movie_biases.movie_id
    anti join recommendation_exclusions
        on
            users_short_of_candidates.user_id
            = recommendation_exclusions.user_id
            and popular_movies.movie_id = recommendation_exclusions.movie_id
    anti join personal_recommendations
        on
            users_short_of_candidates.user_id = personal_recommendations.user_id
            and popular_movies.movie_id = personal_recommendations.movie_id
)

select * from popular_fallbacks
