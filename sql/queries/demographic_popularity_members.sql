/*
Purpose: the members of every demographic group with has_enough_members, in the shape
         group_popular_movies.sql ranks: the group's count_users, and the minimum-ratings cut
         waived at level 0 (everyone), so the global list is never empty.
Grain:   one row per (group_id, user_id).
Inputs:  marts.demographic_groups, staging.stg_users.
*/
with demographic_groups as (
    select * from marts.demographic_groups
    where has_enough_members
),

users as (
    select * from staging.stg_users
),

members as (
    select
        demographic_groups.group_id,
        users.user_id,
        demographic_groups.count_users,
        demographic_groups.group_level = 0 as is_min_ratings_waived
    from demographic_groups
    inner join users
        on
            (
                demographic_groups.gender is null
                or demographic_groups.gender = users.gender
            )
            and (
                demographic_groups.occupation is null
                or demographic_groups.occupation = users.occupation
            )
            and (
                demographic_groups.zip_region is null
                or demographic_groups.zip_region = users.zip_region
            )
            and (
                demographic_groups.age_bucket_code is null
                or demographic_groups.age_bucket_code = users.age_bucket_code
            )
)

select * from members
