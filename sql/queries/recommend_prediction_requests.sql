/*
Purpose: the prediction_requests step of a run: the candidate pairs, which the CF model's own
         prediction query (predict_item.sql, predict_user.sql, predict_hybrid.sql) scores, so a
         recommendation's predicted rating is what `watchit predict` says for the same pair.
Grain:   one row per candidate (user_id, movie_id).
Inputs:  recommendation_candidates (recommend_candidates.sql).
*/
select
    user_id,
    movie_id
from recommendation_candidates
