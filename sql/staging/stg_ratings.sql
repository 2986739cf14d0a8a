/*
Purpose: ratings with a real timestamp. Both layouts share the same four fields.
Grain:   one row per (user_id, movie_id); audits enforce uniqueness.
Inputs:  raw.ratings.
*/
create or replace view staging.stg_ratings as
with ratings as (
    select * from raw.ratings
),

ratings_typed as (
    select
        user_id,
        movie_id,
        cast(rating as double) as rating,
        make_timestamp(rated_at_epoch * 1000000) as rated_at
    from ratings
)

select * from ratings_typed;

comment on view staging.stg_ratings is 'One row per (user, movie) rating, whole stars 1-5, with a UTC timestamp.';
comment on column staging.stg_ratings.user_id is 'The rating user.';
comment on column staging.stg_ratings.movie_id is 'The rated movie.';
comment on column staging.stg_ratings.rating is 'Stars, 1.0 to 5.0 (whole stars in MovieLens 1M and 100K).';
comment on column staging.stg_ratings.rated_at is 'When the rating was made, UTC (from epoch seconds).';
