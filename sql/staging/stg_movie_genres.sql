/*
Purpose: movie-genre bridge for either layout. ML-1M lists genres as "A|B"; ML-100K has 19 flags
         named by u.genre. ML-100K's "unknown" genre flag is kept as the genre 'unknown'.
Grain:   one row per (movie_id, genre).
Inputs:  raw.movies_ml1m, raw.movies_ml100k, raw.genres_ml100k.
*/
create or replace view staging.stg_movie_genres as
with movies_ml1m as (
    select * from raw.movies_ml1m
),

movies_ml100k as (
    select * from raw.movies_ml100k
),

genres_ml100k as (
    select * from raw.genres_ml100k
),

ml1m_genres_unnested as (
    select
        movie_id,
        unnest(string_split(genres, '|')) as genre
    from movies_ml1m
),

ml100k_flags_unnested as (
    select
        movie_id,
        unnest(string_split(genre_flags, '|')) as flag,
        generate_subscripts(string_split(genre_flags, '|'), 1)
        - 1 as genre_index
    from movies_ml100k
),

ml100k_genres_named as (
    select
        ml100k_flags_unnested.movie_id,
        genres_ml100k.genre
    from ml100k_flags_unnested
    inner join genres_ml100k
        on ml100k_flags_unnested.genre_index = genres_ml100k.genre_index
    where ml100k_flags_unnested.flag = '1'
),

genres_unioned as (
    select * from ml1m_genres_unnested
    union all
    select * from ml100k_genres_named
)

select distinct
    movie_id,
    genre
from genres_unioned
where genre <> '';

comment on view staging.stg_movie_genres is 'Movie-genre bridge: one row per (movie, genre).';
comment on column staging.stg_movie_genres.movie_id is 'Movie id.';
comment on column staging.stg_movie_genres.genre is 'Genre name as in the dataset, e.g. Children''s, Sci-Fi.';
