/*
Purpose: item-kNN candidates for the users of the step recommendation_users(user_id):
         every movie on the marts.movie_neighbours list (top item_neighbours_k, similarity > 0)
         of a movie the user rated, minus every movie the user rated (recommendation_exclusions).
         For each candidate it gives the evidence the ranking uses:
             item_support = sum of s_ji over the user's rated movies j that list i as a
                            neighbour (the classic item-based top-N score);
             item_explanation = "because you rated <title> <stars> stars", naming the rated
                            neighbour with the largest s_ji * (r_uj - b_uj), i.e. the one that
                            pushes the prediction up most (ties: smaller movie id).
         The predicted rating itself comes from sql/queries/predict_item.sql (or
         predict_hybrid.sql) run on these pairs in the same statement
         (pipeline/recommend.py composes the steps).
Grain:   one row per candidate (user_id, movie_id).
Inputs:  the steps recommendation_users, recommendation_exclusions; staging.stg_ratings,
         marts.movie_neighbours,
         marts.rating_baselines, marts.user_biases, marts.movie_biases, marts.movies.
*/
with recommendation_users as (
    select user_id from recommendation_users  -- its primary key: no duplicates
),

rating_baselines as (
    select * from marts.rating_baselines
),

ratings_already_made as (
    select
        stg_ratings.user_id,
        stg_ratings.movie_id,
        stg_ratings.rating
    from staging.stg_ratings as stg_ratings
    inner join recommendation_users
        on stg_ratings.user_id = recommendation_users.user_id
),

ratings_with_residual as (
    select
        ratings_already_made.user_id,
        ratings_already_made.movie_id,
        ratings_already_made.rating,
        ratings_already_made.rating
        - rating_baselines.global_mean
        - coalesce(user_biases.user_bias, 0)
        - coalesce(movie_biases.movie_bias, 0) as baseline_residual
    from ratings_already_made
    cross join rating_baselines
    left join marts.user_biases as user_biases
        on ratings_already_made.user_id = user_biases.user_id
    left join marts.movie_biases as movie_biases
        on ratings_already_made.movie_id = movie_biases.movie_id
),

neighbours_of_rated_movies as (
    select
        ratings_with_residual.user_id,
        movie_neighbours.neighbour_movie_id as movie_id,
        ratings_with_residual.movie_id as rated_movie_id,
        ratings_with_residual.rating as rated_stars,
        movie_neighbours.similarity,
        movie_neighbours.similarity * ratings_with_residual.baseline_residual
            as contribution
    from ratings_with_residual
    inner join marts.movie_neighbours as movie_neighbours
        on ratings_with_residual.movie_id = movie_neighbours.movie_id
    anti join recommendation_exclusions
        on
            ratings_with_residual.user_id = recommendation_exclusions.user_id
            and movie_neighbours.neighbour_movie_id
            = recommendation_exclusions.movie_id
),

candidates_summarised as (
    select
        user_id,
        movie_id,
        sum(similarity) as item_support,
        arg_max(
            { 'movie_id': rated_movie_id, 'stars': rated_stars },
            (contribution, -rated_movie_id)
        ) as explaining_rating
    from neighbours_of_rated_movies
    group by user_id, movie_id
),

candidates_explained as (
    select
        candidates_summarised.user_id,
        candidates_summarised.movie_id,
        'because you rated ' || explaining_movies.title || ' '
        || printf('%g', candidates_summarised.explaining_rating.stars)  -- noqa: RF01
        || if(
            candidates_summarised.explaining_rating.stars = 1, ' star', ' stars'  -- noqa: RF01
        )
            as item_explanation,
        candidates_summarised.item_support
    from candidates_summarised
    inner join marts.movies as explaining_movies
        on
            candidates_summarised.explaining_rating.movie_id  -- noqa: RF01
            = explaining_movies.movie_id
)

select * from candidates_explained
