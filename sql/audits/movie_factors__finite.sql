/* Every latent factor is a finite number and every vector has count_factors entries. */
select movie_id from marts.movie_factors
where
    len(latent_factors)
    <> (
        select build_parameters.value from meta.build_parameters
        where build_parameters.name = 'count_factors'
    )
    or list_bool_or(
        list_transform(
            latent_factors, lambda factor: isnan(factor) or isinf(factor)
        )
    )
