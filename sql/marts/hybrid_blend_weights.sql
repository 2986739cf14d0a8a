/*
Purpose: weights of the hybrid predictor, fitted by `watchit build` (pipeline/cf.py):
             prediction = mu + b_u + b_i + sum_c weight_c * feature_c
         where the features are an intercept, the item-kNN and user-kNN residual predictions
         (0 when that component has no qualifying neighbour), the latent-factor residual
         p_u . q_i (marts.user_factors / marts.movie_factors) and each kNN residual times
         S / (S + 1), S the sum of the similarities of the neighbours it used (see
         sql/queries/predict_hybrid.sql). A pair with no component at all gets the baseline. Fitted by least squares on a
         validation holdout of the TRAINING ratings (seeded hash, validation_fraction), with
         every model rebuilt without those ratings; then the models are rebuilt on all
         training ratings and these weights are kept. Python fills the rows: a build does
         not wipe them (create if not exists).
Grain:   one row per feature (component).
Inputs:  filled by pipeline/cf.py fit_blend_weights().
*/
create table if not exists marts.hybrid_blend_weights (
    component varchar primary key,
    weight double not null,
    count_validation_ratings integer not null,
    validation_rmse double,
    fitted_at timestamp not null
);

comment on table marts.hybrid_blend_weights is 'Hybrid blend: prediction = baseline + sum(weight * component), weights fitted by least squares on a seeded validation holdout of training ratings.';
comment on column marts.hybrid_blend_weights.component is 'Feature name: intercept, item_residual, user_residual, factor_residual, item_residual_by_confidence or user_residual_by_confidence (see sql/queries/predict_hybrid.sql).';
comment on column marts.hybrid_blend_weights.weight is 'Least-squares weight of the feature.';
comment on column marts.hybrid_blend_weights.count_validation_ratings is 'Validation ratings the weights were fitted on.';
comment on column marts.hybrid_blend_weights.validation_rmse is 'RMSE of the blended prediction on the validation ratings (in-sample for the weights).';
comment on column marts.hybrid_blend_weights.fitted_at is 'When the weights were fitted, UTC.';
