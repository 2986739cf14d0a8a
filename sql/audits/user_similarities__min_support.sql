/* Pairs below min_support are absent (not stored as 0). */
select * from marts.user_similarities
where
    count_common_movies < (
        select build_parameters.value from meta.build_parameters
        where build_parameters.name = 'min_support'
    )
