/* A user is never its own neighbour. */
select * from marts.user_similarities
where user_id = similar_user_id
