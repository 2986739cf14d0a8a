/* Each movie lists at most k neighbours, ranked 1..n without gaps, positive similarity, no self pairs. */
select movie_id from marts.movie_neighbours
group by movie_id
having
    count(*)
    > (
        select build_parameters.value from meta.build_parameters
        where build_parameters.name = 'item_neighbours_k'
    )
    or max(neighbour_rank) <> count(*)
    or bool_or(movie_id = neighbour_movie_id)
    or bool_or(not similarity > 0 or isnan(similarity))
