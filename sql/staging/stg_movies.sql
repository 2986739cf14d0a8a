/*
Purpose: movies of either layout with the release year parsed from the title "Name (1995)".
Grain:   one row per movie_id (rated or not).
Inputs:  raw.movies_ml1m, raw.movies_ml100k (one of them is empty).
Caveat:  release_year is NULL when the title has no trailing "(yyyy)" (ML-100K movie 267 "unknown").
*/
create or replace view staging.stg_movies as
with movies_ml1m as (
    select * from raw.movies_ml1m
),

movies_ml100k as (
    select * from raw.movies_ml100k
),

movies_unioned as (
    select
        movie_id,
        title
    from movies_ml1m
    union all
    select
        movie_id,
        title
    from movies_ml100k
),

movies_with_year as (
    select
        movie_id,
        trim(title) as title,
        try_cast(
            regexp_extract(title, '\((\d{4})\)\s*$', 1) as integer
        ) as release_year
    from movies_unioned
)

select * from movies_with_year;

comment on view staging.stg_movies is 'One row per movie with its title and the release year parsed from it.';
comment on column staging.stg_movies.movie_id is 'Movie id from the source file.';
comment on column staging.stg_movies.title is 'Title as in the file, year included, e.g. "Toy Story (1995)".';
comment on column staging.stg_movies.release_year is 'Year from the title''s trailing "(yyyy)"; NULL if absent.';
