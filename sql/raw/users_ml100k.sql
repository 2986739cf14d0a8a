/*
Purpose: ML-100K u.user as in the file (user id | age | gender | occupation | zip code).
Grain:   one row per line. Empty when the warehouse holds ML-1M.
Inputs:  filled by pipeline/load.py.
*/
create table if not exists raw.users_ml100k (
    user_id integer not null,
    gender varchar not null,
    occupation varchar not null,
    zip_code varchar not null,
    age integer not null,
    source_line bigint not null
);

comment on table raw.users_ml100k is 'ML-100K u.user, untransformed. Empty for other layouts.';
comment on column raw.users_ml100k.user_id is 'user id field.';
comment on column raw.users_ml100k.gender is 'gender field: M or F.';
comment on column raw.users_ml100k.occupation is 'occupation field: a name listed in u.occupation.';
comment on column raw.users_ml100k.zip_code is 'zip code field, as text (some are Canadian postcodes).';
comment on column raw.users_ml100k.age is 'age field: exact age in years.';
comment on column raw.users_ml100k.source_line is 'Line number in u.user (1-based).';
