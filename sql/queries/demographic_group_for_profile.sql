/*
Purpose: the demographic group a cold-start profile falls in: the most specific level of
         marts.demographic_groups whose attributes match the profile and that has enough
         members (levels 4 -> 3 -> 2 -> 1 -> 0, i.e. age+gender+occupation+zip region back to
         everyone). $zip_region may be NULL (level 4 is then skipped).
Grain:   one row (the chosen group).
Inputs:  marts.demographic_groups; parameters $age_bucket_code, $gender, $occupation,
         $zip_region.
*/
with demographic_groups as (
    select * from marts.demographic_groups
),

matching_groups as (
    select *
    from demographic_groups
    where
        has_enough_members
        and (age_bucket_code is null or age_bucket_code = $age_bucket_code)
        and (gender is null or gender = $gender)
        and (occupation is null or occupation = $occupation)
        and (zip_region is null or zip_region = $zip_region)
)

select
    group_id,
    group_level,
    gender,
    occupation,
    zip_region,
    age_bucket_code,
    count_users
from matching_groups
order by group_level desc
limit 1
