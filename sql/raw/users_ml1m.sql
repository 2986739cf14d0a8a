/*
Purpose: ML-1M users.dat as in the file (UserID::Gender::Age::Occupation::Zip-code).
Grain:   one row per line. Empty when the warehouse holds ML-100K.
Inputs:  filled by pipeline/load.py.
*/
create table if not exists raw.users_ml1m (
    user_id integer not null,
    gender varchar not null,
    zip_code varchar not null,
    age_code integer not null,
    occupation_code integer not null,
    source_line bigint not null
);

comment on table raw.users_ml1m is 'ML-1M users.dat, untransformed. Empty for other layouts.';
comment on column raw.users_ml1m.user_id is 'UserID field.';
comment on column raw.users_ml1m.gender is 'Gender field: M or F.';
comment on column raw.users_ml1m.zip_code is 'Zip-code field, as text (may hold letters or a dash).';
comment on column raw.users_ml1m.age_code is 'Age field: ML-1M bucket code 1, 18, 25, 35, 45, 50 or 56.';
comment on column raw.users_ml1m.occupation_code is 'Occupation field: code 0 to 20 (see staging.stg_occupations).';
comment on column raw.users_ml1m.source_line is 'Line number in users.dat (1-based).';
