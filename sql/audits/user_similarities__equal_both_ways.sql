/* Each user keeps its own top list, so (u, v) may be kept without (v, u); where both are kept they must agree (the two rows come from different blocks, so the sums may differ in the last bits: 1e-9 tolerance). */
select forward.user_id, forward.similar_user_id
from marts.user_similarities as forward
inner join marts.user_similarities as backward
    on forward.user_id = backward.similar_user_id and forward.similar_user_id = backward.user_id
where forward.count_common_movies <> backward.count_common_movies
    or abs(forward.pearson_baseline_similarity - backward.pearson_baseline_similarity) > 1e-9
    or abs(forward.similarity - backward.similarity) > 1e-9
