/*
Purpose: which MovieLens release this warehouse holds and where it came from.
Grain:   one row (a warehouse holds one dataset).
Inputs:  written by pipeline/load.py.
*/
create table if not exists meta.datasets (
    layout varchar not null,
    source_dir varchar not null,
    count_ratings bigint not null,
    count_users bigint not null,
    count_movies bigint not null,
    loaded_at timestamp not null
);

comment on table meta.datasets is 'The MovieLens dataset loaded into this warehouse (one row).';
comment on column meta.datasets.layout is 'File layout: ml-1m (::-separated .dat files) or ml-100k (u.data, u.user, u.item).';
comment on column meta.datasets.source_dir is 'Folder the files were read from.';
comment on column meta.datasets.count_ratings is 'Number of ratings loaded.';
comment on column meta.datasets.count_users is 'Number of users loaded.';
comment on column meta.datasets.count_movies is 'Number of movies loaded (rated or not).';
comment on column meta.datasets.loaded_at is 'When the load finished, UTC.';
