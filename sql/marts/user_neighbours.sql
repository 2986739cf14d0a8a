/*
Purpose: the k most similar users of each user (global top-k, for "viewers with your taste"
         explanations and candidate generation). Ranked by the shrunk Pearson-baseline
         `similarity` of marts.user_similarities, ties (equal after rounding to 12 decimals, so that
         summation-order noise cannot reorder them) broken by the smaller neighbour id;
         only positive similarities qualify. Rating prediction does NOT use this list: it
         takes, per (user, movie), the k most similar users among those who rated the movie
         (sql/queries/predict_user.sql).
Grain:   one row per (user_id, neighbour_user_id); at most user_neighbours_k per user.
Inputs:  marts.user_similarities; meta.build_parameters (user_neighbours_k, default 40).
*/
create or replace table marts.user_neighbours as
with user_similarities as (
    select * from marts.user_similarities
),

parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'user_neighbours_k'
            ),
            40
        ) as user_neighbours_k
),

neighbours_ranked as (
    select
        user_id,
        similar_user_id as neighbour_user_id,
        count_common_movies,
        similarity,
        row_number() over (
            partition by user_id
            order by round(similarity, 12) desc, similar_user_id asc
        ) as neighbour_rank
    from user_similarities
    where similarity > 0
),

neighbours_kept as (
    select
        neighbours_ranked.user_id,
        neighbours_ranked.neighbour_user_id,
        neighbours_ranked.neighbour_rank,
        neighbours_ranked.count_common_movies,
        neighbours_ranked.similarity
    from neighbours_ranked
    cross join parameters
    where neighbours_ranked.neighbour_rank <= parameters.user_neighbours_k
    order by neighbours_ranked.user_id, neighbours_ranked.neighbour_rank
)

select * from neighbours_kept;

comment on table marts.user_neighbours is 'Top user_neighbours_k most similar users per user by shrunk Pearson-baseline similarity (> 0 only).';
comment on column marts.user_neighbours.user_id is 'The user.';
comment on column marts.user_neighbours.neighbour_user_id is 'A similar user (never user_id itself).';
comment on column marts.user_neighbours.neighbour_rank is '1 = most similar; ties broken by smaller neighbour_user_id.';
comment on column marts.user_neighbours.count_common_movies is 'Movies both rated (>= min_support).';
comment on column marts.user_neighbours.similarity is 'Shrunk Pearson-baseline similarity, in (0, 1].';
