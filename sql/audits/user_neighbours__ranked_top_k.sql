/* Each user lists at most k neighbours, ranked 1..n without gaps, positive similarity, no self pairs. */
select user_id from marts.user_neighbours
group by user_id
having
    count(*)
    > (
        select build_parameters.value from meta.build_parameters
        where build_parameters.name = 'user_neighbours_k'
    )
    or max(neighbour_rank) <> count(*)
    or bool_or(user_id = neighbour_user_id)
    or bool_or(not similarity > 0 or isnan(similarity))
