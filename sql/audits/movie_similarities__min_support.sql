/* Pairs below min_support are absent (not stored as 0). */
select * from marts.movie_similarities
where
    count_common_raters < (
        select build_parameters.value from meta.build_parameters
        where build_parameters.name = 'min_support'
    )
