/* movie similarities must be symmetric: (a, b) exists iff (b, a) exists, with equal values. */
select coalesce(forward.movie_id, backward.similar_movie_id) as movie_id, coalesce(forward.similar_movie_id, backward.movie_id) as similar_movie_id
from marts.movie_similarities as forward
full outer join marts.movie_similarities as backward
    on forward.movie_id = backward.similar_movie_id and forward.similar_movie_id = backward.movie_id
where forward.movie_id is null or backward.movie_id is null
    or forward.count_common_raters <> backward.count_common_raters
    or forward.pearson_baseline_similarity is distinct from backward.pearson_baseline_similarity
    or forward.similarity is distinct from backward.similarity
