/*
Purpose: Surprise-style random k-fold over ratings: shuffle by md5(seed:user:movie), deal
         round-robin into $count_folds folds; each rating is 'test' in exactly one fold.
Grain:   one row per (fold, user_id, movie_id): count_folds rows per rating.
Inputs:  staging.stg_ratings; parameters $seed, $count_folds.
*/
with ratings as (
    select
        user_id,
        movie_id
    from staging.stg_ratings
),

ratings_shuffled as (
    select
        user_id,
        movie_id,
        row_number() over (
            order by
                md5(concat_ws(':', $seed, user_id, movie_id)),
                user_id,
                movie_id
        ) - 1 as shuffled_position
    from ratings
),

ratings_dealt_into_folds as (
    select
        user_id,
        movie_id,
        cast(shuffled_position % $count_folds as integer) as test_fold
    from ratings_shuffled
),

folds as (
    select cast(range as integer) as fold from range($count_folds)
),

assignments as (
    select
        folds.fold,
        ratings_dealt_into_folds.user_id,
        ratings_dealt_into_folds.movie_id,
        case
            when ratings_dealt_into_folds.test_fold = folds.fold then 'test'
            else 'train'
        end as part
    from ratings_dealt_into_folds
    cross join folds
)

select * from assignments
