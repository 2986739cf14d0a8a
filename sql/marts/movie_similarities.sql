/*
Purpose: movie-movie similarities for BI and for item kNN (materialised: the self-join is slow),
         computed in intermediate.int_movie_similarities_computed. Over the common raters
         U_ij of movies i and j (n = |U_ij|):
         - cosine_similarity = sum r_ui r_uj / sqrt(sum r_ui^2 * sum r_uj^2), raw stars, (0, 1]
         - adjusted_cosine_similarity: the same on r_ui - mean_u, mean_u over ALL of u's
           ratings (whole-profile user mean, Sarwar et al. 2001)
         - pearson_similarity: correlation centred on the co-rated means of each movie
           (means over U_ij only)
         - pearson_baseline_similarity: sum z_ui z_uj / sqrt(sum z_ui^2 * sum z_uj^2) on baseline
           residuals z = r - (mu + b_u + b_i), not re-centred (Surprise "pearson_baseline")
         - similarity = pearson_baseline_similarity * n / (n + shrinkage), what item kNN uses.
         Support cut: pairs with n < min_support are ABSENT (no row, never 0). A zero
         denominator (zero variance, all-zero centred vector) gives NULL, never NaN. Every
         value is in [-1, 1]; both directions; no self pairs.
Grain:   one row per ordered pair (movie_id, similar_movie_id).
Inputs:  intermediate.int_movie_similarities_computed; meta.build_parameters (min_support,
         shrinkage).
*/
create or replace table marts.movie_similarities as
with movie_similarities_computed as (
    select * from intermediate.int_movie_similarities_computed
),

movie_similarities_selected as (
    select
        movie_id,
        similar_movie_id,
        count_common_raters,
        cosine_similarity,
        adjusted_cosine_similarity,
        pearson_similarity,
        pearson_baseline_similarity,
        similarity
    from movie_similarities_computed
)

select * from movie_similarities_selected;

comment on table marts.movie_similarities is 'Movie-movie similarities, both directions, pairs with >= min_support common raters only (others absent); zero variance NULL; range [-1, 1]; no NaN.';
comment on column marts.movie_similarities.movie_id is 'The movie.';
comment on column marts.movie_similarities.similar_movie_id is 'The other movie (never equal to movie_id).';
comment on column marts.movie_similarities.count_common_raters is 'Users who rated both (>= min_support).';
comment on column marts.movie_similarities.cosine_similarity is 'sum r_ui r_uj / sqrt(sum r_ui^2 sum r_uj^2) over common raters, raw stars; (0, 1].';
comment on column marts.movie_similarities.adjusted_cosine_similarity is 'Cosine on ratings minus the whole-profile user mean; NULL when a side is all zero; [-1, 1].';
comment on column marts.movie_similarities.pearson_similarity is 'Pearson correlation centred on co-rated means; NULL when either side has zero variance; [-1, 1].';
comment on column marts.movie_similarities.pearson_baseline_similarity is 'Cosine of baseline residuals r - (mu + b_u + b_i) over common raters (Surprise pearson_baseline); NULL if a side is all zero; [-1, 1].';
comment on column marts.movie_similarities.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common raters: what item kNN uses; [-1, 1].';
