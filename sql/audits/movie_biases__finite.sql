/* Movie biases are finite numbers (no NaN, no NULL). */
select * from marts.movie_biases
where movie_bias is null or isnan(movie_bias) or isinf(movie_bias)
