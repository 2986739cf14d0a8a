/*
Purpose: per-user temporal holdout: each user's $holdout_size latest ratings are 'test'.
         Ties on rated_at are broken by movie_id (larger id counts as later), so the split
         is deterministic. Users with $holdout_size or fewer ratings stay wholly in 'train'.
Grain:   one row per (user_id, movie_id), fold 0.
Inputs:  staging.stg_ratings; parameter $holdout_size.
*/
with ratings as (
    select
        user_id,
        movie_id,
        rated_at
    from staging.stg_ratings
),

ratings_ranked_by_recency as (
    select
        user_id,
        movie_id,
        row_number() over (
            partition by user_id
            order by rated_at desc, movie_id desc
        ) as recency_rank,
        count(*) over (partition by user_id) as count_user_ratings
    from ratings
),

assignments as (
    select
        0 as fold,
        user_id,
        movie_id,
        case
            when
                recency_rank <= $holdout_size
                and count_user_ratings > $holdout_size
                then 'test'
            else 'train'
        end as part
    from ratings_ranked_by_recency
)

select * from assignments
