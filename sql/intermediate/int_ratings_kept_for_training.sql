/*
Purpose: the ratings every CF model is fitted on. All of staging.stg_ratings, except that while
         `watchit build` fits the hybrid blend weights (build parameter is_validation_build = 1)
         a seeded pseudo-random holdout is removed: validation_fraction of the ratings of the
         validation users, the first validation_max_users users in a seeded hash order (all
         users of a small dataset). The models are built without them, their component
         predictions are compared with the true ratings, and the weights are fitted by least
         squares. Capping the users bounds what the blend fit costs on large data (it needs
         user similarities for the validation users only); 1,000 users give ~16,000 held-out
         ratings at ML-1M's density, plenty for six weights. The final build sets
         is_validation_build = 0.
Grain:   one row per (user_id, movie_id).
Inputs:  staging.stg_ratings; meta.build_parameters (is_validation_build, validation_fraction,
         validation_max_users, validation_seed).
Caveat:  the split uses DuckDB's hash(user_id, movie_id, seed): deterministic for a given DuckDB
         version and seed, independent of row order. A missing parameter means "no holdout".
*/
create or replace view intermediate.int_ratings_kept_for_training as
with ratings as (
    select * from staging.stg_ratings
),

parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'is_validation_build'
            ),
            0
        ) as is_validation_build,
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'validation_fraction'
            ),
            0
        ) as validation_fraction,
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'validation_max_users'
            ),
            1000
        ) as validation_max_users,
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'validation_seed'
            ),
            0
        ) as validation_seed
),

validation_users as (
    select users.user_id
    from (select distinct user_id from ratings) as users
    cross join parameters
    qualify
        row_number() over (
            order by
                hash(users.user_id, cast(parameters.validation_seed as bigint)),
                users.user_id
        ) <= parameters.validation_max_users
),

ratings_flagged as (
    select
        ratings.user_id,
        ratings.movie_id,
        ratings.rating,
        ratings.rated_at,
        (
            hash(
                ratings.user_id,
                ratings.movie_id,
                cast(parameters.validation_seed as bigint)
            ) % 1000000
        ) < parameters.validation_fraction * 1000000
        and ratings.user_id in (
            select validation_users.user_id from validation_users
        )
            as is_validation,
        parameters.is_validation_build = 1 as is_validation_build
    from ratings
    cross join parameters
),

ratings_kept as (
    select
        user_id,
        movie_id,
        rating,
        rated_at
    from ratings_flagged
    where not (is_validation_build and is_validation)
)

select * from ratings_kept;

comment on view intermediate.int_ratings_kept_for_training is 'Ratings the CF models are fitted on: all ratings, minus a seeded holdout of up to validation_max_users users'' ratings while blend weights are being fitted.';
comment on column intermediate.int_ratings_kept_for_training.user_id is 'The rating user.';
comment on column intermediate.int_ratings_kept_for_training.movie_id is 'The rated movie.';
comment on column intermediate.int_ratings_kept_for_training.rating is 'Stars, 1.0 to 5.0.';
comment on column intermediate.int_ratings_kept_for_training.rated_at is 'When the rating was made, UTC.';
