/*
Purpose: lookup of the ML-1M age buckets; ML-100K's exact ages are mapped onto the same buckets.
Grain:   one row per age bucket.
Inputs:  none (the codes are documented in the ML-1M README).
*/
create or replace view staging.stg_age_buckets as
with age_buckets as (
    select *
    from (
        values
        (1, 'Under 18', 0, 17),
        (18, '18-24', 18, 24),
        (25, '25-34', 25, 34),
        (35, '35-44', 35, 44),
        (45, '45-49', 45, 49),
        (50, '50-55', 50, 55),
        (56, '56+', 56, 200)
    -- The alias names the VALUES columns; sqlfluff counts it unused.
    ) as buckets (age_bucket_code, age_bucket, min_age, max_age)  -- noqa: AL05
)

select * from age_buckets;

comment on view staging.stg_age_buckets is 'The seven ML-1M age buckets with their inclusive age range.';
comment on column staging.stg_age_buckets.age_bucket_code is 'ML-1M age code: 1, 18, 25, 35, 45, 50, 56.';
comment on column staging.stg_age_buckets.age_bucket is 'Human label, e.g. 25-34.';
comment on column staging.stg_age_buckets.min_age is 'Youngest age in the bucket, years.';
comment on column staging.stg_age_buckets.max_age is 'Oldest age in the bucket, years (200 = open end).';
