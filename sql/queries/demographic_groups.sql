/*
Purpose: rows of marts.demographic_groups: every demographic group at levels 4 (age bucket +
         gender + occupation + zip region) down to 0 (everyone), counting users with at least
         one rating; has_enough_members = count_users >= $min_members (level 0 always true).
Grain:   one row per group; group_id numbers the groups by level, then attributes.
Inputs:  staging.stg_users, staging.stg_ratings.
*/
with users as (
    select * from staging.stg_users
),

ratings as (
    select * from staging.stg_ratings
),

users_with_ratings as (
    select
        user_id,
        gender,
        occupation,
        zip_region,
        age_bucket_code
    from users
    where user_id in (select ratings.user_id from ratings)
),

groups_at_all_levels as (
    select
        4 as group_level,
        gender,
        occupation,
        zip_region,
        age_bucket_code,
        count(*) as count_users
    from users_with_ratings
    group by gender, occupation, zip_region, age_bucket_code
    union all
    select
        3 as group_level,
        gender,
        occupation,
        null as zip_region,
        age_bucket_code,
        count(*) as count_users
    from users_with_ratings
    group by gender, occupation, age_bucket_code
    union all
    select
        2 as group_level,
        gender,
        null as occupation,
        null as zip_region,
        age_bucket_code,
        count(*) as count_users
    from users_with_ratings
    group by gender, age_bucket_code
    union all
    select
        1 as group_level,
        null as gender,
        null as occupation,
        null as zip_region,
        age_bucket_code,
        count(*) as count_users
    from users_with_ratings
    group by age_bucket_code
    union all
    select
        0 as group_level,
        null as gender,
        null as occupation,
        null as zip_region,
        null as age_bucket_code,
        count(*) as count_users
    from users_with_ratings
),

groups_numbered as (
    select
        cast(row_number() over (
            order by
                group_level, age_bucket_code, gender, occupation, zip_region
        ) as integer) as group_id,
        group_level,
        gender,
        occupation,
        zip_region,
        age_bucket_code,
        cast(count_users as integer) as count_users,
        group_level = 0 or count_users >= $min_members as has_enough_members
    from groups_at_all_levels
)

select * from groups_numbered
