/*
Purpose: the co-rating rows each movie contributes as the SMALLER id of a pair (what one block
         of marts.movie_similarities costs): per rating, the user's ratings of movies with a
         larger id. pipeline/similarity_blocks.py cuts the id range into blocks of equal work.
Grain:   one row per rated movie, ordered by movie_id.
Inputs:  intermediate.int_ratings_centered.
*/
with ratings_with_larger_ids as (
    select
        movie_id,
        count(*) over (partition by user_id)
        - row_number()
            over (partition by user_id order by movie_id)
            as count_larger_ids
    from intermediate.int_ratings_centered
)

select
    movie_id as entity_id,
    sum(count_larger_ids) as count_pair_rows
from ratings_with_larger_ids
group by movie_id
order by movie_id
