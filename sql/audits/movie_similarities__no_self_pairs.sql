/* A movie is never its own neighbour. */
select * from marts.movie_similarities
where movie_id = similar_movie_id
