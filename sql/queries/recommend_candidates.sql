/*
Purpose: the candidates of one recommendation run = the union of the steps
         item_candidates and user_candidates (recommend_item.sql for the item method,
         recommend_user.sql for the user method, both for the hybrid; an unused side is
         recommend_no_item_candidates.sql / recommend_no_user_candidates.sql, no row). A movie
         found by only one side has NULL support and explanation on the other.
         Only the $max_candidates best-supported candidates of each user are kept (support =
         item_support + user_support, ties: smaller movie id): scoring every candidate with
         the prediction queries costs minutes for all ML-100K users, and the ranking score
         grows with support, so the dropped ones rarely reach the top ten (README "serving"
         gives the precision@10 measured with and without the cut).
Grain:   one row per kept candidate (user_id, movie_id).
Inputs:  $max_candidates; item_candidates(user_id, movie_id, item_explanation,
         item_support), user_candidates(user_id, movie_id, user_explanation, user_support).
*/
with item_candidates as (
    select * from item_candidates
),

user_candidates as (
    select * from user_candidates
),

candidates_unioned as (
    select
        coalesce(item_candidates.user_id, user_candidates.user_id) as user_id,
        coalesce(item_candidates.movie_id, user_candidates.movie_id)
            as movie_id,
        item_candidates.item_explanation,
        user_candidates.user_explanation,
        item_candidates.item_support,
        user_candidates.user_support
    from item_candidates
    full outer join user_candidates
        on
            item_candidates.user_id = user_candidates.user_id
            and item_candidates.movie_id = user_candidates.movie_id
),

candidates_kept as (
    select *
    from candidates_unioned
    qualify
        row_number() over (
            partition by user_id
            order by
                coalesce(item_support, 0) + coalesce(user_support, 0) desc,
                movie_id asc
        ) <= $max_candidates
)

select * from candidates_kept
