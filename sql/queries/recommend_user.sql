/*
Purpose: user-kNN candidates for the users of the step recommendation_users(user_id):
         every movie rated by one of the user's marts.user_neighbours (top user_neighbours_k,
         similarity > 0), minus every movie the user rated (recommendation_exclusions).
         For each candidate it gives the evidence the ranking uses:
             user_support = sum of s_uv over the neighbours v who rated it;
             user_explanation = "liked by N viewers with your taste", N = those neighbours
                            who gave it 4 stars or more ("rated by N ..." when none did).
         The predicted rating itself comes from sql/queries/predict_user.sql (or
         predict_hybrid.sql) run on these pairs in the same statement
         (pipeline/recommend.py composes the steps).
Grain:   one row per candidate (user_id, movie_id).
Inputs:  the steps recommendation_users, recommendation_exclusions; staging.stg_ratings,
         marts.user_neighbours.
*/
with recommendation_users as (
    select user_id from recommendation_users  -- its primary key: no duplicates
),

neighbours_listed as (
    select
        user_neighbours.user_id,
        user_neighbours.neighbour_user_id,
        user_neighbours.similarity
    from marts.user_neighbours as user_neighbours
    inner join recommendation_users
        on user_neighbours.user_id = recommendation_users.user_id
),

movies_rated_by_neighbours as (
    select
        neighbours_listed.user_id,
        neighbour_ratings.movie_id,
        neighbours_listed.similarity,
        neighbour_ratings.rating
    from neighbours_listed
    inner join staging.stg_ratings as neighbour_ratings
        on neighbours_listed.neighbour_user_id = neighbour_ratings.user_id
    anti join recommendation_exclusions
        on
            neighbours_listed.user_id = recommendation_exclusions.user_id
            and neighbour_ratings.movie_id = recommendation_exclusions.movie_id
),

candidates_summarised as (
    select
        user_id,
        movie_id,
        sum(similarity) as user_support,
        count(*) as count_neighbours,
        count(*) filter (where rating >= 4) as count_neighbours_liking
    from movies_rated_by_neighbours
    group by user_id, movie_id
),

candidates_explained as (
    select
        user_id,
        movie_id,
        if(count_neighbours_liking > 0, 'liked by ', 'rated by ')
        || if(
            count_neighbours_liking > 0,
            count_neighbours_liking,
            count_neighbours
        )
        || if(
            if(
                count_neighbours_liking > 0,
                count_neighbours_liking,
                count_neighbours
            )
            = 1,
            ' viewer with your taste',
            ' viewers with your taste'
        ) as user_explanation,
        user_support
    from candidates_summarised
)

select * from candidates_explained
