/* Every kept user similarity lies in [-1, 1]; only positive shrunk similarities are kept. */
select * from marts.user_similarities
where
    false
    or pearson_baseline_similarity not between -1 and 1
    or not similarity > 0
    or similarity > 1
