/*
Purpose: add the kept similar users of one block of users (ids in $user_ids) to
         marts.user_similarities. A user's pairs are split between two branches of the
         unordered view (it is the smaller or the larger id); each branch's filter reaches the
         self-join, so a block costs the co-ratings of its own users only.
Inputs:  intermediate.int_user_similarities_computed; meta.build_parameters
         (users_kept_per_user, default 300); $user_ids (a list of user ids).
*/
with parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'users_kept_per_user'
            ),
            300
        ) as users_kept_per_user
),

pairs_as_smaller_id as (
    select
        user_id,
        similar_user_id,
        count_common_movies,
        pearson_baseline_similarity,
        similarity
    from intermediate.int_user_similarities_computed
    where list_contains($user_ids, user_id) and similarity > 0
),

pairs_as_larger_id as (
    select
        similar_user_id as user_id,
        user_id as similar_user_id,
        count_common_movies,
        pearson_baseline_similarity,
        similarity
    from intermediate.int_user_similarities_computed
    where list_contains($user_ids, similar_user_id) and similarity > 0
),

pairs_ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by round(similarity, 12) desc, similar_user_id asc
        ) as similarity_rank
    from (
        select * from pairs_as_smaller_id
        union all
        select * from pairs_as_larger_id
    )
)

insert into marts.user_similarities
select
    pairs_ranked.user_id,
    pairs_ranked.similar_user_id,
    pairs_ranked.similarity_rank,
    pairs_ranked.count_common_movies,
    pairs_ranked.pearson_baseline_similarity,
    pairs_ranked.similarity
from pairs_ranked
cross join parameters
where pairs_ranked.similarity_rank <= parameters.users_kept_per_user
