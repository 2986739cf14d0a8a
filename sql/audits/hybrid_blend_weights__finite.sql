/* Blend weights are finite numbers. */
select * from marts.hybrid_blend_weights
where weight is null or isnan(weight) or isinf(weight)
