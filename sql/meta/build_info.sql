/*
Purpose: one row per pipeline step that wrote this warehouse (load, build, cluster, ...).
Grain:   one row per (step, built_at).
Inputs:  written by pipeline/warehouse.py record_build_info().
*/
create table if not exists meta.build_info (
    step varchar not null,
    git_sha varchar,
    duckdb_version varchar not null,
    input_checksums json,
    parameters json,
    built_at timestamp not null
);

comment on table meta.build_info is 'Provenance: one row per pipeline step that wrote this warehouse.';
comment on column meta.build_info.step is 'Pipeline step: load, build, cluster, evaluate, ...';
comment on column meta.build_info.git_sha is 'Git commit of the WatchIt code that ran the step (NULL outside a checkout).';
comment on column meta.build_info.duckdb_version is 'DuckDB library version that wrote the step.';
comment on column meta.build_info.input_checksums is 'JSON object: input file name -> sha256 of its bytes.';
comment on column meta.build_info.parameters is 'JSON object of the step''s parameters (k, support, shrinkage, ...).';
comment on column meta.build_info.built_at is 'When the step finished, UTC.';
