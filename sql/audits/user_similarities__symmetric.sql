/* user similarities must be symmetric: (a, b) exists iff (b, a) exists, with equal values. */
select coalesce(forward.user_id, backward.similar_user_id) as user_id, coalesce(forward.similar_user_id, backward.user_id) as similar_user_id
from marts.user_similarities as forward
full outer join marts.user_similarities as backward
    on forward.user_id = backward.similar_user_id and forward.similar_user_id = backward.user_id
where forward.user_id is null or backward.user_id is null
    or forward.count_common_movies <> backward.count_common_movies
    or forward.cosine_similarity is distinct from backward.cosine_similarity
    or forward.pearson_similarity is distinct from backward.pearson_similarity
    or forward.pearson_baseline_similarity is distinct from backward.pearson_baseline_similarity
    or forward.similarity is distinct from backward.similarity
