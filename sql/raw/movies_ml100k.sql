/*
Purpose: ML-100K u.item as in the file: id | title | release date | video release date | IMDb URL
         | 19 genre flags (0/1, in the order of u.genre).
Grain:   one row per line. Empty when the warehouse holds ML-1M.
Inputs:  filled by pipeline/load.py.
*/
create table if not exists raw.movies_ml100k (
    movie_id integer not null,
    title varchar not null,
    release_date varchar,
    video_release_date varchar,
    imdb_url varchar,
    genre_flags varchar not null,
    source_line bigint not null
);

comment on table raw.movies_ml100k is 'ML-100K u.item, untransformed. Empty for other layouts.';
comment on column raw.movies_ml100k.movie_id is 'movie id field.';
comment on column raw.movies_ml100k.title is 'movie title field including the year, e.g. "Toy Story (1995)".';
comment on column raw.movies_ml100k.release_date is 'release date field as text, e.g. 01-Jan-1995 (may be empty).';
comment on column raw.movies_ml100k.video_release_date is 'video release date field (empty in the official file).';
comment on column raw.movies_ml100k.imdb_url is 'IMDb URL field.';
comment on column raw.movies_ml100k.genre_flags is 'The 19 genre flag fields joined with |, in u.genre order.';
comment on column raw.movies_ml100k.source_line is 'Line number in u.item (1-based).';
