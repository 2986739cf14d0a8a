/*
Purpose: users of either layout in one shape: gender, ML-1M age bucket, occupation, zip.
         ML-100K exact ages are mapped onto the ML-1M buckets (e.g. 29 -> 25 "25-34").
Grain:   one row per user_id.
Inputs:  raw.users_ml1m, raw.users_ml100k (one of them is empty), staging.stg_occupations.
Caveat:  reads two raw tables of the same entity, one per file layout; exactly one is filled.
*/
create or replace view staging.stg_users as
with users_ml1m as (
    select * from raw.users_ml1m
),

users_ml100k as (
    select * from raw.users_ml100k
),

occupations as (
    select * from staging.stg_occupations
),

ml1m_users_normalised as (
    select
        users_ml1m.user_id,
        users_ml1m.gender,
        occupations.occupation,
        users_ml1m.zip_code,
        cast(null as integer) as age_years,
        users_ml1m.age_code as age_bucket_code
    from users_ml1m
    left join occupations
        on
            occupations.layout = 'ml-1m'
            and users_ml1m.occupation_code = occupations.occupation_code
),

ml100k_users_normalised as (
    select
        user_id,
        gender,
        occupation,
        zip_code,
        age as age_years,
        case
            when age < 18 then 1
            when age < 25 then 18
            when age < 35 then 25
            when age < 45 then 35
            when age < 50 then 45
            when age < 56 then 50
            else 56
        end as age_bucket_code
    from users_ml100k
),

users_unioned as (
    select * from ml1m_users_normalised
    union all
    select * from ml100k_users_normalised
),

users_with_zip_region as (
    select
        *,
        -- US zip codes start with a national area digit 0-9; anything else is 'other'.
        case
            when regexp_matches(zip_code, '^[0-9]') then left(zip_code, 1)
            else 'other'
        end as zip_region
    from users_unioned
)

select
    user_id,
    gender,
    occupation,
    zip_code,
    zip_region,
    age_years,
    age_bucket_code
from users_with_zip_region;

comment on view staging.stg_users is 'One row per user of the loaded dataset, both layouts normalised.';
comment on column staging.stg_users.user_id is 'User id from the source file.';
comment on column staging.stg_users.gender is 'M or F.';
comment on column staging.stg_users.occupation is 'Occupation name in the dataset''s own vocabulary.';
comment on column staging.stg_users.zip_code is 'Zip code as given (text).';
comment on column staging.stg_users.zip_region is 'First digit of a US zip code (national area 0-9), else other.';
comment on column staging.stg_users.age_years is 'Exact age in years (ML-100K only; NULL for ML-1M).';
comment on column staging.stg_users.age_bucket_code is 'ML-1M age bucket code (see staging.stg_age_buckets).';
