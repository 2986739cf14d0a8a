/*
Purpose: the recommendation_fallbacks step when no popular movie is needed: one user whose
         candidates fill the list (pipeline/recommend.py runs the run again with
         recommend_popular_fallbacks.sql when the list comes out short). The columns of that
         file and no row.
Grain:   none.
Inputs:  none.
*/
select
    cast(null as integer) as user_id,
    cast(null as integer) as movie_id,
    cast(null as double) as predicted_rating,
    cast(null as double) as score,
    cast(null as varchar) as explanation
where false
