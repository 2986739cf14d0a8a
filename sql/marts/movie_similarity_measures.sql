/*
Purpose: every similarity measure between two movies, both directions, for analysts and BI.
         Over the common raters U_ij (n = |U_ij| >= min_support; pairs below the cut are
         ABSENT, never 0):
         - cosine_similarity = sum r_ui r_uj / sqrt(sum r_ui^2 * sum r_uj^2), raw stars
         - adjusted_cosine_similarity: the same on ratings minus the rating user's mean over
           ALL of that user's ratings (whole-profile user mean)
         - pearson_similarity: correlation centred on the co-rated means (means over U_ij)
         - pearson_baseline_similarity: the cosine of baseline residuals r - (mu + b_u + b_i)
         - similarity = pearson_baseline_similarity * n / (n + shrinkage), what the models use.
         A zero denominator (zero variance, all-zero centred vector) gives NULL, never NaN;
         every value is in [-1, 1]. Derivation: intermediate.int_movie_similarities_computed.
         A VIEW computed from the ratings when queried: `where movie_id = 42` reaches the
         self-join and answers in milliseconds; a scan of every pair recomputes all of them
         (seconds at 1M ratings). The build stores what the models need in
         marts.movie_similarities.
Grain:   one row per ordered pair (movie_id, similar_movie_id) with >= min_support common raters;
         both directions with equal values; no self pairs.
Inputs:  intermediate.int_movie_similarities_computed (referenced twice, not through a CTE, so
         that a filter on movie_id reaches both branches).
*/
create or replace view marts.movie_similarity_measures as
select
    movie_id,
    similar_movie_id,
    count_common_raters,
    cosine_similarity,
    adjusted_cosine_similarity,
    pearson_similarity,
    pearson_baseline_similarity,
    similarity
from intermediate.int_movie_similarities_computed
union all
select
    similar_movie_id as movie_id,
    movie_id as similar_movie_id,
    count_common_raters,
    cosine_similarity,
    adjusted_cosine_similarity,
    pearson_similarity,
    pearson_baseline_similarity,
    similarity
from intermediate.int_movie_similarities_computed;

comment on view marts.movie_similarity_measures is 'Every movie-movie similarity measure, both directions, computed on demand from the ratings (filter on movie_id for a fast answer); pairs under min_support absent; zero variance NULL; range [-1, 1].';
comment on column marts.movie_similarity_measures.movie_id is 'The movie.';
comment on column marts.movie_similarity_measures.similar_movie_id is 'The other movie (never equal to movie_id).';
comment on column marts.movie_similarity_measures.count_common_raters is 'Common raters of the pair (>= min_support).';
comment on column marts.movie_similarity_measures.cosine_similarity is 'sum r_ui r_uj / sqrt(sum r_ui^2 sum r_uj^2) over the common raters, raw stars; (0, 1].';
comment on column marts.movie_similarity_measures.adjusted_cosine_similarity is 'Cosine of ratings minus each user''s whole-profile mean over the common raters; NULL when a side is all zero; [-1, 1].';
comment on column marts.movie_similarity_measures.pearson_similarity is 'Pearson correlation centred on the co-rated means; NULL when either side has zero variance; [-1, 1].';
comment on column marts.movie_similarity_measures.pearson_baseline_similarity is 'Cosine of baseline residuals r - (mu + b_u + b_i) over the common raters (Surprise pearson_baseline); NULL if a side is all zero; [-1, 1].';
comment on column marts.movie_similarity_measures.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common raters; [-1, 1].';
