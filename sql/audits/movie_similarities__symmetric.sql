/* movie similarities must be symmetric: (a, b) exists iff (b, a) exists, with equal values. */
select
    coalesce(pair.movie_id, reversed_pair.similar_movie_id) as movie_id,
    coalesce(pair.similar_movie_id, reversed_pair.movie_id) as similar_movie_id
from marts.movie_similarities as pair
full outer join marts.movie_similarities as reversed_pair
    on
        pair.movie_id = reversed_pair.similar_movie_id
        and pair.similar_movie_id = reversed_pair.movie_id
where
    pair.movie_id is null or reversed_pair.movie_id is null
    or pair.count_common_raters <> reversed_pair.count_common_raters
    or pair.pearson_baseline_similarity
    is distinct from reversed_pair.pearson_baseline_similarity
    or pair.similarity is distinct from reversed_pair.similarity
