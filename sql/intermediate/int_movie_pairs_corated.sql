/*
Purpose: co-rating sums for every pair of movies rated by at least min_support common users;
         the raw material of every movie-movie similarity (one self-join, one aggregation).
Grain:   one row per unordered pair (movie_id < similar_movie_id) with
         count_common_raters >= min_support. Pairs below the support cut are ABSENT.
Inputs:  intermediate.int_ratings_centered; meta.build_parameters (min_support, default 3).
Use:     a filter on movie_id (the smaller id) is pushed into the self-join, so the build
         fills the similarity tables one block of ids at a time (a small hash table
         per block is 2-3x faster than one aggregation over all pairs).
Caveat:  cost grows with sum over users of (ratings per user)^2; memory with the kept pairs.
*/
create or replace view intermediate.int_movie_pairs_corated as
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

movie_pairs_summed as (
    select
        ratings.movie_id,
        other_ratings.movie_id as similar_movie_id,
        count(*) as count_common_raters,
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
            ratings.user_id = other_ratings.user_id
            and ratings.movie_id < other_ratings.movie_id
    group by ratings.movie_id, other_ratings.movie_id
),

movie_pairs_supported as (
    select movie_pairs_summed.*
    from movie_pairs_summed
    cross join parameters
    where movie_pairs_summed.count_common_raters >= parameters.min_support
)

select * from movie_pairs_supported;

comment on view intermediate.int_movie_pairs_corated is 'Co-rating sums per unordered movie pair (movie_id < similar_movie_id) with at least min_support common raters; pairs below are absent.';
comment on column intermediate.int_movie_pairs_corated.movie_id is 'Smaller movie id of the pair.';
comment on column intermediate.int_movie_pairs_corated.similar_movie_id is 'Larger movie id of the pair.';
comment on column intermediate.int_movie_pairs_corated.count_common_raters is 'Users who rated both movies (>= min_support).';
comment on column intermediate.int_movie_pairs_corated.sum_rating is 'Sum over common raters of their rating of movie_id.';
comment on column intermediate.int_movie_pairs_corated.sum_similar_rating is 'Sum over common raters of their rating of similar_movie_id.';
comment on column intermediate.int_movie_pairs_corated.sum_squared_rating is 'Sum of squared ratings of movie_id over common raters.';
comment on column intermediate.int_movie_pairs_corated.sum_squared_similar_rating is 'Sum of squared ratings of similar_movie_id over common raters.';
comment on column intermediate.int_movie_pairs_corated.sum_rating_products is 'Sum of rating(movie_id) * rating(similar_movie_id) over common raters.';
comment on column intermediate.int_movie_pairs_corated.sum_centered_products is 'Same product sum on user-mean-centred ratings (whole-profile user means).';
comment on column intermediate.int_movie_pairs_corated.sum_squared_centered is 'Sum of squared user-centred ratings of movie_id over common raters.';
comment on column intermediate.int_movie_pairs_corated.sum_squared_similar_centered is 'Sum of squared user-centred ratings of similar_movie_id over common raters.';
comment on column intermediate.int_movie_pairs_corated.sum_residual_products is 'Product sum on baseline residuals r - (mu + b_u + b_i).';
comment on column intermediate.int_movie_pairs_corated.sum_squared_residual is 'Sum of squared baseline residuals of movie_id over common raters.';
comment on column intermediate.int_movie_pairs_corated.sum_squared_similar_residual is 'Sum of squared baseline residuals of similar_movie_id over common raters.';
