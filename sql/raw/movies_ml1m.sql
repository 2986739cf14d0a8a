/*
Purpose: ML-1M movies.dat as in the file (MovieID::Title::Genres), decoded from latin-1.
Grain:   one row per line. Empty when the warehouse holds ML-100K.
Inputs:  filled by pipeline/load.py.
*/
create table if not exists raw.movies_ml1m (
    movie_id integer not null,
    title varchar not null,
    genres varchar not null,
    source_line bigint not null
);

comment on table raw.movies_ml1m is 'ML-1M movies.dat, untransformed. Empty for other layouts.';
comment on column raw.movies_ml1m.movie_id is 'MovieID field.';
comment on column raw.movies_ml1m.title is 'Title field including the year, e.g. "Toy Story (1995)".';
comment on column raw.movies_ml1m.genres is 'Genres field: genre names separated by |.';
comment on column raw.movies_ml1m.source_line is 'Line number in movies.dat (1-based).';
