/*
Purpose: occupation lookup for the loaded layout. ML-1M codes 0-20 come from its README;
         ML-100K names come from u.occupation (code = zero-based line position).
Grain:   one row per (layout, occupation_code).
Inputs:  raw.occupations_ml100k.
*/
create or replace view staging.stg_occupations as
with occupations_ml100k as (
    select * from raw.occupations_ml100k
),

occupations_ml1m as (
    select *
    from (
        values
        (0, 'other'), (1, 'academic/educator'), (2, 'artist'),
        (3, 'clerical/admin'), (4, 'college/grad student'),
        (5, 'customer service'), (6, 'doctor/health care'),
        (7, 'executive/managerial'), (8, 'farmer'), (9, 'homemaker'),
        (10, 'K-12 student'), (11, 'lawyer'), (12, 'programmer'),
        (13, 'retired'), (14, 'sales/marketing'), (15, 'scientist'),
        (16, 'self-employed'), (17, 'technician/engineer'),
        (18, 'tradesman/craftsman'), (19, 'unemployed'), (20, 'writer')
    -- The alias names the VALUES columns; sqlfluff counts it unused.
    ) as codes (occupation_code, occupation)  -- noqa: AL05
),

occupations_unioned as (
    select
        'ml-1m' as layout,
        occupation,
        occupation_code
    from occupations_ml1m
    union all
    select
        'ml-100k' as layout,
        occupation,
        cast(source_line - 1 as integer) as occupation_code
    from occupations_ml100k
)

select * from occupations_unioned;

comment on view staging.stg_occupations is 'Occupation names per layout: ML-1M codes 0-20 and ML-100K u.occupation.';
comment on column staging.stg_occupations.layout is 'ml-1m or ml-100k: the vocabulary the name belongs to.';
comment on column staging.stg_occupations.occupation is 'Occupation name, e.g. programmer.';
comment on column staging.stg_occupations.occupation_code is 'ML-1M code, or the zero-based line of u.occupation.';
