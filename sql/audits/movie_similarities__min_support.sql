/* Pairs below min_support are absent (not stored as 0). */
select * from marts.movie_similarities
where count_common_raters < (select value from meta.build_parameters where name = 'min_support')
