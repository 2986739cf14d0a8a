/*
Purpose: parameters that views read with a subquery, so every session (BI tools included) gets
         the same answer. Never getvariable(): a session that did not SET it would silently differ.
Grain:   one row per parameter name.
Inputs:  written by `watchit build` from its options; defaults live in pipeline/ config classes.
*/
create table if not exists meta.build_parameters (
    name varchar primary key,
    description varchar not null,
    value double not null
);

comment on table meta.build_parameters is 'Build parameters (k, minimum support, shrinkage, ...) that the CF views read.';
comment on column meta.build_parameters.name is 'Parameter name, e.g. item_neighbours_k.';
comment on column meta.build_parameters.description is 'What the parameter controls.';
comment on column meta.build_parameters.value is 'Numeric value used by the current build.';
