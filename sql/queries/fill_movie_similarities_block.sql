/*
Purpose: add one block of movie pairs to marts.movie_similarities: the pairs whose SMALLER
         movie id is in [$first_id, $last_id], in both directions. The filter reaches the
         self-join of intermediate.int_movie_pairs_corated, and only the sums the selected
         columns need are computed.
Inputs:  intermediate.int_movie_similarities_computed; $first_id, $last_id.
*/
with pairs_in_block as (
    select
        movie_id,
        similar_movie_id,
        count_common_raters,
        pearson_baseline_similarity,
        similarity
    from intermediate.int_movie_similarities_computed
    where movie_id between $first_id and $last_id
),

pairs_both_directions as (
    select * from pairs_in_block
    union all
    select
        similar_movie_id as movie_id,
        movie_id as similar_movie_id,
        count_common_raters,
        pearson_baseline_similarity,
        similarity
    from pairs_in_block
)

insert into marts.movie_similarities
select * from pairs_both_directions
