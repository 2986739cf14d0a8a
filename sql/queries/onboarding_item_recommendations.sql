/*
Purpose: item-based CF for a person known only by a few ratings (a sign-up), computed on the fly
         from the temp table onboarding_ratings(movie_id, rating) and the MovieLens ratings.
         Similarity of a rated movie j to a candidate i is the asymmetric cosine of "liked
         together" (rated >= 4 by the same user):
             sim(j -> i) = count_co_likes(j, i) / (count_likes(j)^$alpha * count_likes(i)^(1-$alpha))
         and score_i = sum_j weight_j * sim(j -> i) with weight 1 for a rating >= 4, 0.3 for a
         3 and -0.5 for 1-2. $alpha = 0.8 leans towards what fans of j like most (popular
         among them). Shrunk Pearson neighbours (marts.movie_similarities) ranked worse for
         top-10 in the cold-start evaluation (README), hence co-likes.
         predicted_rating = Bayesian average rating of i among users who liked a movie the
         person liked: (sum + 10 * global mean) / (count + 10); NULL without such users.
         Movies already rated are left out; only score > 0 is returned.
Grain:   one row per candidate movie, top $limit by score.
Inputs:  temp onboarding_ratings, staging.stg_ratings, staging.stg_movies,
         staging.stg_movie_genres; parameters $alpha, $limit.
*/
with onboarding_ratings as (
    select
        movie_id,
        rating,
        case
            when rating >= 4 then 1.0
            when rating = 3 then 0.3
            else -0.5
        end as weight
    from onboarding_ratings
),

ratings as (
    select * from staging.stg_ratings
),

likes as (
    select
        user_id,
        movie_id
    from ratings
    where rating >= 4
),

likes_counted as (
    select
        movie_id,
        count(*) as count_likes
    from likes
    group by movie_id
),

co_likes as (
    select
        onboarding_ratings.movie_id as rated_movie_id,
        onboarding_ratings.weight,
        candidate_likes.movie_id,
        count(*) as count_co_likes
    from onboarding_ratings
    inner join likes as rated_likes
        on onboarding_ratings.movie_id = rated_likes.movie_id
    inner join likes as candidate_likes
        on rated_likes.user_id = candidate_likes.user_id
    where
        candidate_likes.movie_id
        not in (select rated.movie_id from onboarding_ratings as rated)
    group by
        onboarding_ratings.movie_id,
        onboarding_ratings.weight,
        candidate_likes.movie_id
),

co_likes_scored as (
    select
        co_likes.movie_id,
        co_likes.rated_movie_id,
        co_likes.count_co_likes,
        co_likes.weight
        * co_likes.count_co_likes
        / (
            pow(rated_counts.count_likes, $alpha)
            * pow(candidate_counts.count_likes, 1 - $alpha)
        ) as contribution
    from co_likes
    inner join likes_counted as rated_counts
        on co_likes.rated_movie_id = rated_counts.movie_id
    inner join likes_counted as candidate_counts
        on co_likes.movie_id = candidate_counts.movie_id
),

candidates_aggregated as (
    select
        movie_id,
        sum(contribution) as score,
        arg_max(rated_movie_id, contribution) as strongest_rated_movie_id,
        max_by(count_co_likes, contribution) as strongest_count_co_likes
    from co_likes_scored
    group by movie_id
),

like_minded_users as (
    select distinct likes.user_id
    from likes
    inner join onboarding_ratings
        on likes.movie_id = onboarding_ratings.movie_id
    where onboarding_ratings.weight > 0
),

like_minded_ratings as (
    select
        ratings.movie_id,
        count(*) as count_ratings,
        sum(ratings.rating) as sum_ratings
    from ratings
    inner join like_minded_users
        on ratings.user_id = like_minded_users.user_id
    group by ratings.movie_id
),

global_rating_mean as (
    select avg(rating) as mean_rating from ratings
),

genres_listed as (
    select
        movie_id,
        string_agg(genre, ', ' order by genre) as genres
    from staging.stg_movie_genres
    group by movie_id
),

recommendations as (
    select
        candidates_aggregated.movie_id,
        movies.title,
        genres_listed.genres,
        strongest_rated_movies.title as strongest_rated_title,
        movies.release_year,
        (
            like_minded_ratings.sum_ratings
            + 10 * global_rating_mean.mean_rating
        )
        / (like_minded_ratings.count_ratings + 10) as predicted_rating,
        candidates_aggregated.score,
        candidates_aggregated.strongest_count_co_likes
    from candidates_aggregated
    cross join global_rating_mean
    inner join staging.stg_movies as movies
        on candidates_aggregated.movie_id = movies.movie_id
    inner join staging.stg_movies as strongest_rated_movies
        on
            candidates_aggregated.strongest_rated_movie_id
            = strongest_rated_movies.movie_id
    left join like_minded_ratings
        on candidates_aggregated.movie_id = like_minded_ratings.movie_id
    left join genres_listed
        on candidates_aggregated.movie_id = genres_listed.movie_id
    where candidates_aggregated.score > 0
)

select * from recommendations
order by score desc, movie_id asc
limit $limit
