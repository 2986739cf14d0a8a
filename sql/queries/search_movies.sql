/*
Purpose: find movies by title for `watchit search-movies`, `watchit similar --movie`: every
         movie whose title contains $query, ignoring case and accents ("miserables" finds
         "Misérables, Les (1995)"). $query is a bound parameter and matched literally
         (contains, not LIKE, so % and _ are plain characters). Most-rated first.
Grain:   one row per matching movie, at most $limit rows.
Inputs:  $query, $limit; marts.movies.
*/
with movies as (
    select * from marts.movies
),

movies_matched as (
    select
        movie_id,
        title,
        release_year,
        genres,
        count_ratings,
        mean_rating
    from movies
    where
        contains(
            lower(strip_accents(title)), lower(strip_accents(trim($query)))
        )
    order by count_ratings desc, title asc, movie_id asc
    limit $limit
)

select * from movies_matched
