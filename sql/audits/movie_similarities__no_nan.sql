/* No NaN in any movie similarity (NaN sorts first and poisons averages). */
select * from marts.movie_similarities
where
    false
    or isnan(pearson_baseline_similarity)
    or isnan(similarity)
