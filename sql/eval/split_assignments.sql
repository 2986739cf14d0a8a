/*
Purpose: the train/test part of every rating in every fold of every stored split.
Grain:   one row per (protocol, seed, fold, user_id, movie_id); part is 'train' or 'test'.
Inputs:  filled by pipeline/splits.py (sql/queries/eval_split_kfold.sql,
         eval_split_temporal.sql, eval_split_cold_start.sql) over staging.stg_ratings.
Caveats: kfold follows Surprise's KFold: ratings shuffled (order of md5(seed:user:movie)) and
         dealt round-robin into k folds, so each rating is in the test part of exactly one
         fold and fold sizes differ by at most one. temporal: each user's N latest ratings
         (ties on rated_at: larger movie_id counts as later) are test; users with N or fewer
         ratings stay wholly in train. cold-start: round(fraction * users) users, chosen by
         the order of md5(seed:user), have all their ratings in test.
*/
create table if not exists eval.split_assignments (
    protocol varchar not null,
    seed integer not null,
    fold integer not null,
    user_id integer not null,
    movie_id integer not null,
    part varchar not null check (part in ('train', 'test')),
    primary key (protocol, seed, fold, user_id, movie_id)
);

comment on table eval.split_assignments is 'Train/test part of each rating per fold of each split in eval.splits; seeded and reproducible.';
comment on column eval.split_assignments.protocol is 'Split protocol, see eval.splits.protocol.';
comment on column eval.split_assignments.seed is 'Split seed, see eval.splits.seed.';
comment on column eval.split_assignments.fold is 'Fold number, 0 to count_folds - 1 (always 0 for temporal and cold-start).';
comment on column eval.split_assignments.user_id is 'The rating user.';
comment on column eval.split_assignments.movie_id is 'The rated movie.';
comment on column eval.split_assignments.part is 'train: the models may see this rating in this fold; test: held out and scored.';
