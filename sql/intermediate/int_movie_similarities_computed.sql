/*
Purpose: movie-movie similarities of each unordered pair, from the co-rating sums. Over the common
         raters U_ij (n = |U_ij| >= min_support; pairs below the cut are ABSENT, never 0):
         - cosine_similarity = sum r_ui r_uj / sqrt(sum r_ui^2 * sum r_uj^2)  (raw stars)
         - adjusted_cosine_similarity: the same on r_ui - mean_u, mean_u the mean of ALL of
           u's ratings (whole-profile user mean, Sarwar et al. 2001)
         - pearson_similarity: correlation centred on the CO-RATED means of each movie,
           cov / sqrt(var_i var_j) from the sums (LensKit/Surprise "pearson")
         - pearson_baseline_similarity: sum z_ui z_uj / sqrt(sum z_ui^2 sum z_uj^2) on baseline
           residuals z = r - (mu + b_u + b_i), not re-centred (Surprise "pearson_baseline")
         - similarity = pearson_baseline_similarity * n / (n + shrinkage): the shrunk value the
           item kNN predictor and marts.movie_neighbours use.
         A zero denominator (zero variance or all-zero vector) gives NULL, never NaN; values are
         clamped to [-1, 1] against rounding (a CASE, not
         least/greatest: those skip NULL, turning NULL into -1). Range [-1, 1] (cosine on stars: (0, 1]).
Grain:   one row per unordered pair (movie_id < similar_movie_id); marts.movie_similarity_measures
         lists both directions. A filter on movie_id reaches the self-join (fast per id).
Inputs:  intermediate.int_movie_pairs_corated; meta.build_parameters (shrinkage, default 100).
*/
create or replace view intermediate.int_movie_similarities_computed as
with movie_pairs_corated as (
    select * from intermediate.int_movie_pairs_corated
),

parameters as (
    select
        coalesce(
            (
                select build_parameters.value from meta.build_parameters
                where build_parameters.name = 'shrinkage'
            ),
            100
        ) as shrinkage
),

movie_pairs_with_variances as (
    select
        movie_id,
        similar_movie_id,
        count_common_raters,
        sum_rating_products,
        sum_squared_rating,
        sum_squared_similar_rating,
        sum_centered_products,
        sum_squared_centered,
        sum_squared_similar_centered,
        sum_residual_products,
        sum_squared_residual,
        sum_squared_similar_residual,
        sum_rating_products
        - sum_rating
        * sum_similar_rating
        / count_common_raters as covariance_sum,
        greatest(
            sum_squared_rating - sum_rating * sum_rating / count_common_raters,
            0
        ) as variance_sum,
        greatest(
            sum_squared_similar_rating
            - sum_similar_rating * sum_similar_rating / count_common_raters,
            0
        ) as similar_variance_sum
    from movie_pairs_corated
),

similarities_computed as (
    select
        movie_id,
        similar_movie_id,
        count_common_raters,
        sum_rating_products
        / nullif(sqrt(sum_squared_rating * sum_squared_similar_rating), 0)
            as cosine_similarity,
        sum_centered_products
        / nullif(sqrt(sum_squared_centered * sum_squared_similar_centered), 0)
            as adjusted_cosine_similarity,
        covariance_sum
        / nullif(sqrt(variance_sum * similar_variance_sum), 0)
            as pearson_similarity,
        sum_residual_products
        / nullif(sqrt(sum_squared_residual * sum_squared_similar_residual), 0)
            as pearson_baseline_similarity
    from movie_pairs_with_variances
),

similarities_clamped as (
    select
        similarities_computed.movie_id,
        similarities_computed.similar_movie_id,
        similarities_computed.count_common_raters,
        case
            when similarities_computed.cosine_similarity > 1 then 1.0
            when similarities_computed.cosine_similarity < -1 then -1.0
            else similarities_computed.cosine_similarity
        end as cosine_similarity,
        case
            when similarities_computed.adjusted_cosine_similarity > 1 then 1.0
            when similarities_computed.adjusted_cosine_similarity < -1 then -1.0
            else similarities_computed.adjusted_cosine_similarity
        end as adjusted_cosine_similarity,
        case
            when similarities_computed.pearson_similarity > 1 then 1.0
            when similarities_computed.pearson_similarity < -1 then -1.0
            else similarities_computed.pearson_similarity
        end as pearson_similarity,
        case
            when similarities_computed.pearson_baseline_similarity > 1 then 1.0
            when
                similarities_computed.pearson_baseline_similarity < -1
                then -1.0
            else similarities_computed.pearson_baseline_similarity
        end as pearson_baseline_similarity,
        case
            when similarities_computed.pearson_baseline_similarity > 1 then 1.0
            when
                similarities_computed.pearson_baseline_similarity < -1
                then -1.0
            else similarities_computed.pearson_baseline_similarity
        end
        * similarities_computed.count_common_raters
        / nullif(
            similarities_computed.count_common_raters + parameters.shrinkage, 0
        ) as similarity
    from similarities_computed
    cross join parameters
)

select * from similarities_clamped;

comment on view intermediate.int_movie_similarities_computed is 'Movie-movie cosine, adjusted cosine (whole-profile user means), Pearson (co-rated means), Pearson-baseline (residuals) and shrunk similarity; one row per unordered pair (smaller id first); pairs under min_support absent; zero variance NULL; range [-1, 1].';
comment on column intermediate.int_movie_similarities_computed.movie_id is 'The smaller movie id of the pair.';
comment on column intermediate.int_movie_similarities_computed.similar_movie_id is 'The larger movie id of the pair.';
comment on column intermediate.int_movie_similarities_computed.count_common_raters is 'Users who rated both (>= min_support; pairs below are absent).';
comment on column intermediate.int_movie_similarities_computed.cosine_similarity is 'sum r_ui r_uj / sqrt(sum r_ui^2 sum r_uj^2) over common raters, raw stars; (0, 1].';
comment on column intermediate.int_movie_similarities_computed.adjusted_cosine_similarity is 'Cosine on ratings minus the whole-profile user mean; NULL when a side is all zero; [-1, 1].';
comment on column intermediate.int_movie_similarities_computed.pearson_similarity is 'Pearson correlation centred on co-rated means; NULL when either side has zero variance; [-1, 1].';
comment on column intermediate.int_movie_similarities_computed.pearson_baseline_similarity is 'Cosine of baseline residuals r - (mu + b_u + b_i) over common raters (Surprise pearson_baseline); NULL if a side is all zero; [-1, 1].';
comment on column intermediate.int_movie_similarities_computed.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common raters: the value item kNN uses; [-1, 1].';
