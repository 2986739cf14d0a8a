/*
Purpose: ML-100K u.genre (name | index): names of the flag positions in u.item.
Grain:   one row per genre. Empty when the warehouse holds ML-1M.
*/
create table if not exists raw.genres_ml100k (
    genre varchar not null,
    genre_index integer not null
);

comment on table raw.genres_ml100k is 'ML-100K u.genre, untransformed. Empty for other layouts.';
comment on column raw.genres_ml100k.genre is 'Genre name.';
comment on column raw.genres_ml100k.genre_index is 'Zero-based position of the genre flag in u.item.';
