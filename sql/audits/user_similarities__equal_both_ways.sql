/* Each user keeps its own top list, so (u, v) may be kept without (v, u); where both are kept they must agree (the two rows come from different blocks, so the sums may differ in the last bits: 1e-9 tolerance). */
select
    pair.user_id,
    pair.similar_user_id
from marts.user_similarities as pair
inner join marts.user_similarities as reversed_pair
    on
        pair.user_id = reversed_pair.similar_user_id
        and pair.similar_user_id = reversed_pair.user_id
where
    pair.count_common_movies <> reversed_pair.count_common_movies
    or abs(
        pair.pearson_baseline_similarity
        - reversed_pair.pearson_baseline_similarity
    )
    > 1e-9
    or abs(pair.similarity - reversed_pair.similarity) > 1e-9
