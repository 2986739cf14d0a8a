/*
Purpose: latent factor vector of each movie for the hybrid's matrix-factorisation component:
         the baseline residual r_ui - (mu + b_u + b_i) is approximated by the dot product
         list_dot_product(user_factors.latent_factors, movie_factors.latent_factors).
         Fitted by alternating least squares with weighted-lambda regularisation
             min sum (z_ui - p_u . q_i)^2 + lambda * (sum_u n_u |p_u|^2 + sum_i n_i |q_i|^2)
         in pipeline/latent_factors.py (numpy) from intermediate.int_ratings_centered;
         pipeline/cf.py replaces the rows on every build (create if not exists keeps the DDL
         and comments here). A movie without a row has no factor term (0).
Grain:   one row per movie with at least one training rating.
Inputs:  filled by pipeline/cf.py from intermediate.int_ratings_centered; meta.build_parameters
         (count_factors, factor_regularisation, factor_iterations, factor_seed).
*/
create table if not exists marts.movie_factors (
    movie_id integer primary key,
    latent_factors double [] not null
);

comment on table marts.movie_factors is 'Latent factors of each movie (ALS on baseline residuals); residual estimate = list_dot_product(user latent_factors, movie latent_factors).';
comment on column marts.movie_factors.movie_id is 'The movie.';
comment on column marts.movie_factors.latent_factors is 'count_factors numbers; meaningless alone, only dot products with the other side matter.';
