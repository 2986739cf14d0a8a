/*
Purpose: movie-movie similarities the models use (item kNN, marts.movie_neighbours,
         `watchit similar`): for every pair of movies with >= min_support common raters U_ij
         (n = |U_ij|), both directions:
         - pearson_baseline_similarity = sum z_ui z_uj / sqrt(sum z_ui^2 * sum z_uj^2) over
           U_ij, z = r - (mu + b_u + b_i) the baseline residual, not re-centred (Surprise
           "pearson_baseline"); NULL when a side is all zero (zero variance), never NaN;
           clamped to [-1, 1].
         - similarity = pearson_baseline_similarity * n / (n + shrinkage): what item kNN uses.
         Pairs with n < min_support are ABSENT (no row, never 0); no self pairs.
         Cosine, adjusted cosine and Pearson are in the view marts.movie_similarity_measures
         (computed on demand); storing them would double the build time for no model.
Grain:   one row per ordered pair (movie_id, similar_movie_id).
Build:   created empty here, then filled by pipeline/similarity_blocks.py one block of
         (smaller) movie ids at a time with sql/queries/fill_movie_similarities_block.sql,
         which reads intermediate.int_movie_similarities_computed: a small hash table per
         block is 2-3x faster than one aggregation over all pairs.
Inputs:  intermediate.int_movie_similarities_computed; meta.build_parameters (min_support,
         shrinkage).
*/
create or replace table marts.movie_similarities (
    movie_id integer not null,
    similar_movie_id integer not null,
    count_common_raters bigint not null,
    pearson_baseline_similarity double,
    similarity double
);

comment on table marts.movie_similarities is 'Movie-movie Pearson-baseline and shrunk similarity, both directions, pairs with >= min_support common raters only (others absent); zero variance NULL; range [-1, 1]; no NaN. Other measures: marts.movie_similarity_measures.';
comment on column marts.movie_similarities.movie_id is 'The movie.';
comment on column marts.movie_similarities.similar_movie_id is 'The other movie (never equal to movie_id).';
comment on column marts.movie_similarities.count_common_raters is 'Users who rated both (>= min_support).';
comment on column marts.movie_similarities.pearson_baseline_similarity is 'sum z_ui z_uj / sqrt(sum z_ui^2 sum z_uj^2) over common raters, z = r - (mu + b_u + b_i) (Surprise pearson_baseline); NULL if a side is all zero; [-1, 1].';
comment on column marts.movie_similarities.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common raters: what item kNN uses; [-1, 1].';
