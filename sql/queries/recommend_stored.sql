/*
Purpose: one user's top-$n list of one method from marts.user_recommendations (written by
         `watchit recommend --all --store`), only if it is fresh; zero rows = score live.
         Fresh means: the store run asked for at least $n movies (list_limit), it started
         (computed_at) no earlier than the latest meta.build_info step other than
         `recommend` (a build, load or cluster run may have changed the models), and the
         user has no app.ratings row rated at or after it (a new rating must never leave an
         already-rated movie in the list).
Grain:   one row per rank, 1..$n (fewer when the user had fewer unrated movies).
Inputs:  $user_id, $method, $n; marts.user_recommendations, meta.build_info, app.ratings,
         marts.movies.
*/
with user_recommendations as (
    select *
    from marts.user_recommendations
    where user_id = $user_id and method = $method and rank <= $n
),

last_model_change as (
    select max(built_at) as changed_at
    from meta.build_info
    where step <> 'recommend'
),

fresh_recommendations as (
    select user_recommendations.*
    from user_recommendations
    cross join last_model_change
    where
        user_recommendations.list_limit >= $n
        and (
            last_model_change.changed_at is null
            or user_recommendations.computed_at >= last_model_change.changed_at
        )
        and not exists (
            select 1
            from app.ratings as ratings
            where
                ratings.user_id = user_recommendations.user_id
                and ratings.rated_at >= user_recommendations.computed_at
        )
),

recommendations_described as (
    select
        fresh_recommendations.rank,
        fresh_recommendations.movie_id,
        movies.title,
        movies.release_year,
        movies.genres,
        fresh_recommendations.predicted_rating,
        fresh_recommendations.score,
        fresh_recommendations.explanation
    from fresh_recommendations
    inner join marts.movies as movies
        on fresh_recommendations.movie_id = movies.movie_id
    order by fresh_recommendations.rank
)

select * from recommendations_described
