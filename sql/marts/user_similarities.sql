/*
Purpose: each user's most similar users, as user kNN, marts.user_neighbours and the "viewers
         with your taste" explanations use them: for user u, the users_kept_per_user users v
         with the highest positive shrunk similarity among those sharing >= min_support
         rated movies I_uv (n = |I_uv|):
         - pearson_baseline_similarity = sum z_ui z_vi / sqrt(sum z_ui^2 * sum z_vi^2) over
           I_uv, z = r - (mu + b_u + b_i) the baseline residual, not re-centred (Surprise
           "pearson_baseline"); NULL when a side is all zero (zero variance), never NaN;
           clamped to [-1, 1]. Pairs with n < min_support are ABSENT.
         - similarity = pearson_baseline_similarity * n / (n + shrinkage).
         Ranked by similarity (equal after rounding to 12 decimals: smaller user id first).
         Only the top users_kept_per_user per user are kept so that the table grows with the
         number of users, not with its square (all pairs: 35M rows at ML-1M's 6,040 users,
         1.8 billion at 60,000). Because each user keeps its own top list, (u, v) can be kept
         without (v, u); where both are kept their values are equal.
         All measures for all pairs: the view marts.user_similarity_measures.
Grain:   one row per (user_id, similar_user_id); at most users_kept_per_user per user.
Build:   created empty here, then filled by pipeline/similarity_blocks.py one block of users
         at a time with sql/queries/fill_user_similarities_block.sql. While the hybrid blend
         is fitted (is_validation_build = 1) only the validation users are filled: the
         held-out predictions need no other rows.
Inputs:  intermediate.int_user_similarities_computed; meta.build_parameters (min_support,
         shrinkage, users_kept_per_user).
*/
create or replace table marts.user_similarities (
    user_id integer not null,
    similar_user_id integer not null,
    similarity_rank bigint not null,
    count_common_movies bigint not null,
    pearson_baseline_similarity double,
    similarity double
);

comment on table marts.user_similarities is 'Each user''s users_kept_per_user most similar users (positive shrunk Pearson-baseline similarity, >= min_support common movies; pairs below absent); zero variance NULL; no NaN. All pairs and measures: marts.user_similarity_measures.';
comment on column marts.user_similarities.user_id is 'The user.';
comment on column marts.user_similarities.similar_user_id is 'A similar user (never equal to user_id).';
comment on column marts.user_similarities.similarity_rank is '1 = most similar to user_id; ties (12 decimals) broken by the smaller similar_user_id.';
comment on column marts.user_similarities.count_common_movies is 'Movies both rated (>= min_support).';
comment on column marts.user_similarities.pearson_baseline_similarity is 'sum z_ui z_vi / sqrt(sum z_ui^2 sum z_vi^2) over common movies, z = r - (mu + b_u + b_i) (Surprise pearson_baseline); [-1, 1].';
comment on column marts.user_similarities.similarity is 'pearson_baseline_similarity * n / (n + shrinkage), n = common movies: what user kNN uses; (0, 1].';
