/*
Purpose: the k most similar movies of each movie (global top-k, for "similar movies" lists and
         candidate generation). Ranked by the shrunk Pearson-baseline `similarity` of
         marts.movie_similarities, ties (equal after rounding to 12 decimals, so that
         summation-order noise cannot reorder them) broken by the smaller neighbour id; only positive
         similarities qualify (a negative one is not a "similar" movie). Rating prediction
         does NOT use this list: it takes, per (user, movie), the k most similar movies among
         those the user rated (sql/queries/predict_item.sql).
Grain:   one row per (movie_id, neighbour_movie_id); at most item_neighbours_k per movie.
Inputs:  marts.movie_similarities; meta.build_parameters (item_neighbours_k, default 40).
*/
create or replace table marts.movie_neighbours as
with movie_similarities as (
    select * from marts.movie_similarities
),

parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'item_neighbours_k'
            ),
            40
        ) as item_neighbours_k
),

neighbours_ranked as (
    select
        movie_id,
        similar_movie_id as neighbour_movie_id,
        count_common_raters,
        similarity,
        row_number() over (
            partition by movie_id
            order by round(similarity, 12) desc, similar_movie_id asc
        ) as neighbour_rank
    from movie_similarities
    where similarity > 0
),

neighbours_kept as (
    select
        neighbours_ranked.movie_id,
        neighbours_ranked.neighbour_movie_id,
        neighbours_ranked.neighbour_rank,
        neighbours_ranked.count_common_raters,
        neighbours_ranked.similarity
    from neighbours_ranked
    cross join parameters
    where neighbours_ranked.neighbour_rank <= parameters.item_neighbours_k
    order by neighbours_ranked.movie_id, neighbours_ranked.neighbour_rank
)

select * from neighbours_kept;

comment on table marts.movie_neighbours is 'Top item_neighbours_k most similar movies per movie by shrunk Pearson-baseline similarity (> 0 only).';
comment on column marts.movie_neighbours.movie_id is 'The movie.';
comment on column marts.movie_neighbours.neighbour_movie_id is 'A similar movie (never movie_id itself).';
comment on column marts.movie_neighbours.neighbour_rank is '1 = most similar; ties broken by smaller neighbour_movie_id.';
comment on column marts.movie_neighbours.count_common_raters is 'Users who rated both (>= min_support).';
comment on column marts.movie_neighbours.similarity is 'Shrunk Pearson-baseline similarity, in (0, 1].';
