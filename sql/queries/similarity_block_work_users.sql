/*
Purpose: the co-rating rows of each user with every other user (what the user's part of a block
         of marts.user_similarities costs): the sum over its movies of their other raters.
         With $validation_users_only, only the users with a validation holdout (the only
         ones the blend fit predicts for). pipeline/similarity_blocks.py groups the users into
         blocks of equal work.
Grain:   one row per user in scope, ordered by user_id.
Inputs:  intermediate.int_ratings_centered, intermediate.int_ratings_held_out_for_validation;
         $validation_users_only (boolean).
*/
with movie_rater_counts as (
    select
        movie_id,
        count(*) as count_raters
    from intermediate.int_ratings_centered
    group by movie_id
),

validation_users as (
    select distinct user_id
    from intermediate.int_ratings_held_out_for_validation
)

select
    ratings.user_id as entity_id,
    sum(movie_rater_counts.count_raters - 1) as count_pair_rows
from intermediate.int_ratings_centered as ratings
inner join movie_rater_counts on ratings.movie_id = movie_rater_counts.movie_id
where
    not $validation_users_only
    or ratings.user_id in (select validation_users.user_id from validation_users
    )
group by ratings.user_id
order by ratings.user_id
