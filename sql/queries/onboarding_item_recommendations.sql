/*
Purpose: item-based CF for a person known only by a few ratings (a sign-up), computed on the fly
         from the temp table onboarding_ratings(movie_id, rating) and the CF build:
             b_u        = sum_j (r_j - mu - b_j) / (n + user_bias_regularisation)
             score_i    = sum_{j rated} s_ij * (r_j - 3) / 2     (liked pulls up, disliked down)
             r_hat_i    = mu + b_u + b_i + sum_j s_ij (r_j - mu - b_u - b_j) / sum_j s_ij
         over the rated movies j with a positive shrunk Pearson-baseline similarity s_ij
         (marts.movie_similarities). Movies already rated are left out; candidates are ranked
         by score (an unrated movie similar to several liked ones comes first), then r_hat.
Grain:   one row per candidate movie, top $limit.
Inputs:  temp onboarding_ratings, marts.movie_similarities, marts.rating_baselines,
         marts.movie_biases, meta.build_parameters, staging.stg_movies,
         staging.stg_movie_genres; parameter $limit.
*/
with onboarding_ratings as (
    select
        movie_id,
        cast(rating as double) as rating
    from onboarding_ratings
),

rating_baselines as (
    select * from marts.rating_baselines
),

movie_biases as (
    select * from marts.movie_biases
),

parameters as (
    select
        coalesce(
            (
                select value from meta.build_parameters
                where name = 'user_bias_regularisation'
            ),
            15
        ) as user_bias_regularisation
),

user_bias_estimated as (
    select
        sum(
            onboarding_ratings.rating
            - rating_baselines.global_mean
            - coalesce(movie_biases.movie_bias, 0)
        )
        / (count(*) + any_value(parameters.user_bias_regularisation)) as user_bias
    from onboarding_ratings
    cross join rating_baselines
    cross join parameters
    left join movie_biases
        on onboarding_ratings.movie_id = movie_biases.movie_id
),

rated_residuals as (
    select
        onboarding_ratings.movie_id,
        onboarding_ratings.rating,
        onboarding_ratings.rating
        - rating_baselines.global_mean
        - user_bias_estimated.user_bias
        - coalesce(movie_biases.movie_bias, 0) as baseline_residual
    from onboarding_ratings
    cross join rating_baselines
    cross join user_bias_estimated
    left join movie_biases
        on onboarding_ratings.movie_id = movie_biases.movie_id
),

candidates_aggregated as (
    select
        movie_similarities.similar_movie_id as movie_id,
        count(*) as count_rated_neighbours,
        sum(movie_similarities.similarity * (rated_residuals.rating - 3) / 2)
            as score,
        sum(movie_similarities.similarity * rated_residuals.baseline_residual)
        / nullif(sum(movie_similarities.similarity), 0) as residual_prediction,
        arg_max(rated_residuals.movie_id, movie_similarities.similarity)
            as most_similar_rated_movie_id
    from rated_residuals
    inner join marts.movie_similarities as movie_similarities
        on rated_residuals.movie_id = movie_similarities.movie_id
    where
        movie_similarities.similarity > 0
        and movie_similarities.similar_movie_id
        not in (select onboarding_ratings.movie_id from onboarding_ratings)
    group by movie_similarities.similar_movie_id
),

genres_listed as (
    select
        movie_id,
        string_agg(genre, ', ' order by genre) as genres
    from staging.stg_movie_genres
    group by movie_id
),

predictions as (
    select
        candidates_aggregated.movie_id,
        movies.title,
        genres_listed.genres,
        rated_movies.title as most_similar_rated_title,
        movies.release_year,
        least(greatest(
            rating_baselines.global_mean
            + user_bias_estimated.user_bias
            + coalesce(movie_biases.movie_bias, 0)
            + coalesce(candidates_aggregated.residual_prediction, 0),
            1
        ), 5) as predicted_rating,
        candidates_aggregated.score,
        candidates_aggregated.count_rated_neighbours
    from candidates_aggregated
    cross join rating_baselines
    cross join user_bias_estimated
    left join movie_biases
        on candidates_aggregated.movie_id = movie_biases.movie_id
    inner join staging.stg_movies as movies
        on candidates_aggregated.movie_id = movies.movie_id
    inner join staging.stg_movies as rated_movies
        on candidates_aggregated.most_similar_rated_movie_id = rated_movies.movie_id
    left join genres_listed
        on candidates_aggregated.movie_id = genres_listed.movie_id
)

select * from predictions
where score > 0
order by score desc, predicted_rating desc, movie_id asc
limit $limit
