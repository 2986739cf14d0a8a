/*
Purpose: demographic groups for cold-start users, at five levels from specific to broad:
             4 age bucket + gender + occupation + zip region
             3 age bucket + gender + occupation
             2 age bucket + gender
             1 age bucket
             0 everyone
         Attributes a level does not use are NULL. A new user gets the most specific group
         matching them that has at least demographic_min_members (default 20) members with
         ratings (has_enough_members); smaller groups back off to the next broader level.
Grain:   one row per (level, age_bucket_code, gender, occupation, zip_region) seen among users
         with ratings.
Inputs:  filled by `watchit cluster` from sql/queries/demographic_groups.sql (staging.stg_users,
         staging.stg_ratings).
*/
create table if not exists marts.demographic_groups (
    group_id integer primary key,
    group_level integer not null,
    gender varchar,
    occupation varchar,
    zip_region varchar,
    age_bucket_code integer,
    count_users integer not null,
    has_enough_members boolean not null
);

comment on table marts.demographic_groups is 'Cold-start demographic groups at 5 levels (age+gender+occupation+zip region down to everyone); small groups back off to broader ones.';
comment on column marts.demographic_groups.group_id is 'Group number (marts.demographic_popular_movies).';
comment on column marts.demographic_groups.group_level is '4 = age+gender+occupation+zip region, 3 = age+gender+occupation, 2 = age+gender, 1 = age, 0 = everyone.';
comment on column marts.demographic_groups.gender is 'M or F; NULL at levels 0 and 1.';
comment on column marts.demographic_groups.occupation is 'Occupation (staging.stg_users vocabulary); NULL below level 3.';
comment on column marts.demographic_groups.zip_region is 'First zip digit or other (as staging.stg_users); NULL below level 4.';
comment on column marts.demographic_groups.age_bucket_code is 'ML-1M age bucket code (staging.stg_age_buckets); NULL at level 0.';
comment on column marts.demographic_groups.count_users is 'Users with at least one rating in the group.';
comment on column marts.demographic_groups.has_enough_members is 'count_users >= demographic_min_members (default 20): the group is used, else backed off.';
