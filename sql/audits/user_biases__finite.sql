/* User biases are finite numbers (no NaN, no NULL). */
select * from marts.user_biases
where user_bias is null or isnan(user_bias) or isinf(user_bias)
