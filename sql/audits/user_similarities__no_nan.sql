/* No NaN in any user similarity (NaN sorts first and poisons averages). */
select * from marts.user_similarities
where
    false
    or isnan(pearson_baseline_similarity)
    or isnan(similarity)
