/*
Purpose: user-user similarities of each unordered pair, from the co-rating sums. Over the common
         movies I_uv (n = |I_uv| >= min_support; pairs below the cut are ABSENT, never 0):
         - cosine_similarity = sum r_ui r_vi / sqrt(sum r_ui^2 * sum r_vi^2)  (raw stars)
         - adjusted_cosine_similarity: the same on r_ui - mean_u and r_vi - mean_v, each mean
           over ALL of that user's ratings (whole-profile means, not co-rated ones: the
           mean-centred cosine of user-based kNN)
         - pearson_similarity: correlation centred on the CO-RATED means of each user,
           cov / sqrt(var_u var_v) from the sums (Surprise "pearson", LensKit PR #405)
         - pearson_baseline_similarity: sum z_ui z_vi / sqrt(sum z_ui^2 sum z_vi^2) on baseline
           residuals z = r - (mu + b_u + b_i), not re-centred (Surprise "pearson_baseline")
         - similarity = pearson_baseline_similarity * n / (n + shrinkage): the shrunk value the
           user kNN predictor and marts.user_neighbours use.
         A zero denominator (zero variance or all-zero vector) gives NULL, never NaN; values are
         clamped to [-1, 1] against rounding (a CASE, not
         least/greatest: those skip NULL, turning NULL into -1). Range [-1, 1] (cosine on stars: (0, 1]).
Grain:   one row per unordered pair (user_id < similar_user_id); marts.user_similarity_measures
         lists both directions. A filter on user_id reaches the self-join (fast per id).
Inputs:  intermediate.int_user_pairs_corated; meta.build_parameters (shrinkage, default 100).
*/
create or replace view intermediate.int_user_similarities_computed as
with user_pairs_corated as (
    select * from intermediate.int_user_pairs_corated
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

user_pairs_with_variances as (
    select
        user_id,
        similar_user_id,
        count_common_movies,
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
        / count_common_movies as covariance_sum,
        greatest(
            sum_squared_rating - sum_rating * sum_rating / count_common_movies,
            0
        ) as variance_sum,
        greatest(
            sum_squared_similar_rating
            - sum_similar_rating * sum_similar_rating / count_common_movies,
            0
        ) as similar_variance_sum
    from user_pairs_corated
),

similarities_computed as (
    select
        user_id,
        similar_user_id,
        count_common_movies,
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
    from user_pairs_with_variances
),

similarities_clamped as (
    select
        similarities_computed.user_id,
        similarities_computed.similar_user_id,
        similarities_computed.count_common_movies,
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
        * similarities_computed.count_common_movies
        / nullif(
            similarities_computed.count_common_movies + parameters.shrinkage, 0
        ) as similarity
    from similarities_computed
    cross join parameters
)

select * from similarities_clamped;

comment on view intermediate.int_user_similarities_computed is 'User-user cosine, adjusted cosine (whole-profile user means), Pearson (co-rated means), Pearson-baseline (residuals) and shrunk similarity; one row per unordered pair (smaller id first); pairs under min_support absent; zero variance NULL; range [-1, 1].';
comment on column intermediate.int_user_similarities_computed.user_id is 'The smaller user id of the pair.';
comment on column intermediate.int_user_similarities_computed.similar_user_id is 'The larger user id of the pair.';
comment on column intermediate.int_user_similarities_computed.count_common_movies is 'Movies both rated (>= min_support; pairs below are absent).';
comment on column intermediate.int_user_similarities_computed.cosine_similarity is 'sum r_ui r_vi / sqrt(sum r_ui^2 sum r_vi^2) over common movies, raw stars; (0, 1].';
comment on column intermediate.int_user_similarities_computed.adjusted_cosine_similarity is 'Cosine on ratings minus each user''s whole-profile mean over common movies; NULL when a side is all zero; [-1, 1].';
comment on column intermediate.int_user_similarities_computed.pearson_similarity is 'Pearson correlation centred on co-rated means; NULL when either side has zero variance; [-1, 1].';
comment on column intermediate.int_user_similarities_computed.pearson_baseline_similarity is 'Cosine of baseline residuals r - (mu + b_u + b_i) over common movies (Surprise pearson_baseline); NULL if a side is all zero; [-1, 1].';
comment on column intermediate.int_user_similarities_computed.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common movies: the value user kNN uses; [-1, 1].';
