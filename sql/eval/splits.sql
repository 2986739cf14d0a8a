/*
Purpose: one row per stored evaluation split: which protocol, which seed, and its parameters.
         A split is identified by (protocol, seed); making it again replaces it.
Grain:   one row per (protocol, seed).
Inputs:  filled by pipeline/splits.py from the sql/queries/eval_split_*.sql queries.
Caveats: the assignments depend only on md5 of text (seed, user id, movie id), so the same
         ratings and seed give the same split on any machine and any DuckDB version.
*/
create table if not exists eval.splits (
    protocol varchar not null,
    seed integer not null,
    count_folds integer not null,
    holdout_ratings_per_user integer,
    holdout_user_fraction double,
    count_ratings bigint not null,
    created_at timestamp not null,
    primary key (protocol, seed)
);

comment on table eval.splits is 'Stored evaluation splits (kfold, temporal, cold-start) and their parameters; one row per (protocol, seed).';
comment on column eval.splits.protocol is 'kfold (random k-fold over ratings), temporal (each user''s last N ratings held out) or cold-start (a seeded share of users held out).';
comment on column eval.splits.seed is 'Seed hashed with the ids (md5) to shuffle ratings or users; temporal ignores it.';
comment on column eval.splits.count_folds is 'Number of folds: k for kfold, 1 for temporal and cold-start.';
comment on column eval.splits.holdout_ratings_per_user is 'temporal: ratings held out per user (the N latest); NULL otherwise.';
comment on column eval.splits.holdout_user_fraction is 'cold-start: share of users whose ratings are all held out; NULL otherwise.';
comment on column eval.splits.count_ratings is 'Ratings in staging.stg_ratings when the split was made.';
comment on column eval.splits.created_at is 'When the split was made, UTC.';
