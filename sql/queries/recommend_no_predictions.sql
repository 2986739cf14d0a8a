/*
Purpose: the recommendation_predictions step of the popular method, which predicts nothing
         (it has no candidates): the columns recommend_ranked.sql and
         recommend_popular_fallbacks.sql read from predict_*.sql, and no row.
Grain:   none.
Inputs:  none.
*/
select
    cast(null as integer) as user_id,
    cast(null as integer) as movie_id,
    cast(null as double) as predicted_rating
where false
