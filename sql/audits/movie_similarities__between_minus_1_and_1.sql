/* Every movie similarity lies in [-1, 1] (NULL allowed: zero variance). */
select * from marts.movie_similarities
where
    false
    or pearson_baseline_similarity not between -1 and 1
    or similarity not between -1 and 1
