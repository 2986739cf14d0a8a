/*
Purpose: ratings exactly as in the file: ML-1M ratings.dat (UserID::MovieID::Rating::Timestamp)
         or ML-100K u.data (tab-separated, same four fields).
Grain:   one row per line of the ratings file.
Inputs:  filled by pipeline/load.py after every line passed validation.
*/
create table if not exists raw.ratings (
    user_id integer not null,
    movie_id integer not null,
    rating integer not null,
    rated_at_epoch bigint not null,
    source_line bigint not null
);

comment on table raw.ratings is 'Ratings as read from ratings.dat (ML-1M) or u.data (ML-100K); untransformed.';
comment on column raw.ratings.user_id is 'UserID field.';
comment on column raw.ratings.movie_id is 'MovieID (ML-1M) or item id (ML-100K) field.';
comment on column raw.ratings.rating is 'Rating field: whole stars 1 to 5.';
comment on column raw.ratings.rated_at_epoch is 'Timestamp field: seconds since 1970-01-01 UTC.';
comment on column raw.ratings.source_line is 'Line number in the source file (1-based).';
