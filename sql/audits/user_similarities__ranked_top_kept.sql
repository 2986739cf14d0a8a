/* Each user keeps at most users_kept_per_user similar users, ranked 1..n without gaps by descending similarity. */
select user_id from marts.user_similarities
group by user_id
having
    count(*)
    > (
        select build_parameters.value from meta.build_parameters
        where build_parameters.name = 'users_kept_per_user'
    )
    or max(similarity_rank) <> count(*)
    or count(distinct similarity_rank) <> count(*)
