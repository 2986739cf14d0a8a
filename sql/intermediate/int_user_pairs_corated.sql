/*
Purpose: co-rating sums for every pair of users who rated at least min_support common movies;
         the raw material of every user-user similarity (one self-join, one aggregation).
Grain:   one row per unordered pair (user_id < similar_user_id) with
         count_common_movies >= min_support. Pairs below the support cut are ABSENT.
Inputs:  intermediate.int_ratings_centered; meta.build_parameters (min_support, default 3).
Use:     a filter on user_id (the smaller id) is pushed into the self-join, so the build
         fills the similarity tables one block of ids at a time (a small hash table
         per block is 2-3x faster than one aggregation over all pairs).
Caveat:  cost grows with sum over movies of (raters per movie)^2; memory with the kept pairs.
*/
create or replace view intermediate.int_user_pairs_corated as
with ratings_centered as (
    select * from intermediate.int_ratings_centered
),

parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'min_support'
            ),
            3
        ) as min_support
),

user_pairs_summed as (
    select
        ratings.user_id,
        other_ratings.user_id as similar_user_id,
        count(*) as count_common_movies,
        sum(ratings.rating) as sum_rating,
        sum(other_ratings.rating) as sum_similar_rating,
        sum(ratings.rating * ratings.rating) as sum_squared_rating,
        sum(other_ratings.rating * other_ratings.rating)
            as sum_squared_similar_rating,
        sum(ratings.rating * other_ratings.rating) as sum_rating_products,
        sum(ratings.user_centered_rating * other_ratings.user_centered_rating)
            as sum_centered_products,
        sum(ratings.user_centered_rating * ratings.user_centered_rating)
            as sum_squared_centered,
        sum(
            other_ratings.user_centered_rating
            * other_ratings.user_centered_rating
        ) as sum_squared_similar_centered,
        sum(ratings.baseline_residual * other_ratings.baseline_residual)
            as sum_residual_products,
        sum(ratings.baseline_residual * ratings.baseline_residual)
            as sum_squared_residual,
        sum(other_ratings.baseline_residual * other_ratings.baseline_residual)
            as sum_squared_similar_residual
    from ratings_centered as ratings
    inner join ratings_centered as other_ratings
        on
            ratings.movie_id = other_ratings.movie_id
            and ratings.user_id < other_ratings.user_id
    group by ratings.user_id, other_ratings.user_id
),

user_pairs_supported as (
    select user_pairs_summed.*
    from user_pairs_summed
    cross join parameters
    where user_pairs_summed.count_common_movies >= parameters.min_support
)

select * from user_pairs_supported;

comment on view intermediate.int_user_pairs_corated is 'Co-rating sums per unordered user pair (user_id < similar_user_id) with at least min_support common movies; pairs below are absent.';
comment on column intermediate.int_user_pairs_corated.user_id is 'Smaller user id of the pair.';
comment on column intermediate.int_user_pairs_corated.similar_user_id is 'Larger user id of the pair.';
comment on column intermediate.int_user_pairs_corated.count_common_movies is 'Movies both users rated (>= min_support).';
comment on column intermediate.int_user_pairs_corated.sum_rating is 'Sum over common movies of user_id''s ratings.';
comment on column intermediate.int_user_pairs_corated.sum_similar_rating is 'Sum over common movies of similar_user_id''s ratings.';
comment on column intermediate.int_user_pairs_corated.sum_squared_rating is 'Sum of squared ratings of user_id over common movies.';
comment on column intermediate.int_user_pairs_corated.sum_squared_similar_rating is 'Sum of squared ratings of similar_user_id over common movies.';
comment on column intermediate.int_user_pairs_corated.sum_rating_products is 'Sum of rating(user_id) * rating(similar_user_id) over common movies.';
comment on column intermediate.int_user_pairs_corated.sum_centered_products is 'Sum over common movies of (r_ui - mean_u)(r_vi - mean_v), means over each user''s whole profile.';
comment on column intermediate.int_user_pairs_corated.sum_squared_centered is 'Sum of squared user-centred ratings of user_id over common movies.';
comment on column intermediate.int_user_pairs_corated.sum_squared_similar_centered is 'Sum of squared user-centred ratings of similar_user_id over common movies.';
comment on column intermediate.int_user_pairs_corated.sum_residual_products is 'Product sum on baseline residuals r - (mu + b_u + b_i).';
comment on column intermediate.int_user_pairs_corated.sum_squared_residual is 'Sum of squared baseline residuals of user_id over common movies.';
comment on column intermediate.int_user_pairs_corated.sum_squared_similar_residual is 'Sum of squared baseline residuals of similar_user_id over common movies.';
