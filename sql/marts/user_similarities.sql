/*
Purpose: user-user similarities for BI and for user kNN (materialised: the self-join is slow),
         computed in intermediate.int_user_similarities_computed. Over the common movies I_uv
         of users u and v (n = |I_uv|):
         - cosine_similarity = sum r_ui r_vi / sqrt(sum r_ui^2 * sum r_vi^2), raw stars, (0, 1]
         - adjusted_cosine_similarity: the same on r_ui - mean_u and r_vi - mean_v, each mean
           over ALL of that user's ratings (whole-profile means)
         - pearson_similarity: correlation centred on the co-rated means of each user
           (means over I_uv only; LensKit PR #405)
         - pearson_baseline_similarity: sum z_ui z_vi / sqrt(sum z_ui^2 * sum z_vi^2) on baseline
           residuals z = r - (mu + b_u + b_i), not re-centred (Surprise "pearson_baseline")
         - similarity = pearson_baseline_similarity * n / (n + shrinkage), what user kNN uses.
         Support cut: pairs with n < min_support are ABSENT (no row, never 0). A zero
         denominator (zero variance, all-zero centred vector) gives NULL, never NaN. Every
         value is in [-1, 1]; both directions; no self pairs.
Grain:   one row per ordered pair (user_id, similar_user_id).
Inputs:  intermediate.int_user_similarities_computed; meta.build_parameters (min_support,
         shrinkage).
*/
create or replace table marts.user_similarities as
with user_similarities_computed as (
    select * from intermediate.int_user_similarities_computed
),

user_similarities_selected as (
    select
        user_id,
        similar_user_id,
        count_common_movies,
        cosine_similarity,
        adjusted_cosine_similarity,
        pearson_similarity,
        pearson_baseline_similarity,
        similarity
    from user_similarities_computed
)

select * from user_similarities_selected;

comment on table marts.user_similarities is 'User-user similarities, both directions, pairs with >= min_support common movies only (others absent); zero variance NULL; range [-1, 1]; no NaN.';
comment on column marts.user_similarities.user_id is 'The user.';
comment on column marts.user_similarities.similar_user_id is 'The other user (never equal to user_id).';
comment on column marts.user_similarities.count_common_movies is 'Movies both rated (>= min_support).';
comment on column marts.user_similarities.cosine_similarity is 'sum r_ui r_vi / sqrt(sum r_ui^2 sum r_vi^2) over common movies, raw stars; (0, 1].';
comment on column marts.user_similarities.adjusted_cosine_similarity is 'Cosine on ratings minus each user''s whole-profile mean over common movies; NULL when a side is all zero; [-1, 1].';
comment on column marts.user_similarities.pearson_similarity is 'Pearson correlation centred on co-rated means; NULL when either side has zero variance; [-1, 1].';
comment on column marts.user_similarities.pearson_baseline_similarity is 'Cosine of baseline residuals r - (mu + b_u + b_i) over common movies (Surprise pearson_baseline); NULL if a side is all zero; [-1, 1].';
comment on column marts.user_similarities.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common movies: what user kNN uses; [-1, 1].';
