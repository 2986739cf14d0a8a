/*
Purpose: every figure `watchit evaluate` and `just bench` measured, with what produced it.
Grain:   one row per (run_id, protocol, task, method, metric).
Inputs:  appended by pipeline/evaluation.py, one transaction per run.
Caveats: rating metrics (rmse, mae) are means over the test ratings of all folds; top-N
         metrics are means over test users with at least one relevant held-out movie.
*/
create table if not exists eval.results (
    run_id varchar not null,
    code_version varchar not null,
    protocol varchar not null,
    task varchar not null,
    method varchar not null,
    metric varchar not null,
    parameters varchar not null,
    value double,
    created_at timestamp not null,
    primary key (run_id, protocol, task, method, metric)
);

comment on table eval.results is 'Evaluation figures per run, protocol, method and metric, with parameters and the code version.';
comment on column eval.results.run_id is 'Identifier of one `watchit evaluate` run (UTC time plus random suffix).';
comment on column eval.results.code_version is '`git describe --always --dirty` of the code, or the package version outside a checkout.';
comment on column eval.results.protocol is 'Split protocol: kfold, temporal or cold-start (see eval.splits).';
comment on column eval.results.task is 'rating (RMSE/MAE of predicted stars), top-n (ranking metrics of recommendation lists), cold-start, or sweep (kNN parameter grid).';
comment on column eval.results.method is 'baseline, user, item, hybrid, popular or cluster (sweep: method plus its parameters).';
comment on column eval.results.metric is 'rmse, mae, precision_at_10, recall_at_10, ndcg_at_10, map_at_10, hit_rate_at_10, coverage, novelty, fit_seconds, predict_seconds, count_users, count_ratings.';
comment on column eval.results.parameters is 'JSON: seed, folds, holdout size, relevance threshold, CF build parameters.';
comment on column eval.results.value is 'The measured figure; NULL when it could not be computed (e.g. no relevant test movie).';
comment on column eval.results.created_at is 'When the run finished, UTC.';
