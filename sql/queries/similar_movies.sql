/*
Purpose: the movies most similar to $movie_id for `watchit similar`: its marts.movie_neighbours
         list (shrunk Pearson-baseline similarity > 0, at least min_support common raters)
         with titles.
Grain:   one row per similar movie, at most $limit rows, most similar first.
Inputs:  $movie_id, $limit; marts.movie_neighbours, marts.movies.
*/
with movie_neighbours as (
    select * from marts.movie_neighbours
),

movies as (
    select * from marts.movies
),

neighbours_described as (
    select
        movie_neighbours.neighbour_rank as rank,
        movie_neighbours.neighbour_movie_id as movie_id,
        movies.title,
        movies.release_year,
        movies.genres,
        movie_neighbours.similarity,
        movie_neighbours.count_common_raters
    from movie_neighbours
    inner join movies
        on movie_neighbours.neighbour_movie_id = movies.movie_id
    where movie_neighbours.movie_id = $movie_id
    order by movie_neighbours.neighbour_rank
    limit $limit
)

select * from neighbours_described
