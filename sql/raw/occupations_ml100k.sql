/*
Purpose: ML-100K u.occupation: the allowed occupation names, one a line.
Grain:   one row per occupation. Empty when the warehouse holds ML-1M.
*/
create table if not exists raw.occupations_ml100k (
    occupation varchar not null,
    source_line bigint not null
);

comment on table raw.occupations_ml100k is 'ML-100K u.occupation, untransformed. Empty for other layouts.';
comment on column raw.occupations_ml100k.occupation is 'Occupation name.';
comment on column raw.occupations_ml100k.source_line is 'Line number in u.occupation (1-based).';
