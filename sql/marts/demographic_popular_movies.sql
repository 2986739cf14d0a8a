/*
Purpose: the most popular movies of each demographic group that has enough members, ranked
         like marts.cluster_popular_movies by the damped like share
             (count_likes + prior_weight * global_like_share) / (count_users + prior_weight)
         with movies rated by fewer than popularity_min_ratings group members absent
         (level 0, everyone, is plain global like share). damped_mean_rating is the Bayesian
         average rating with the same weight.
Grain:   one row per (group_id, movie_id); at most popularity_top_n (default 200) per group.
Inputs:  filled by `watchit cluster` from sql/queries/group_popular_movies.sql.
*/
create table if not exists marts.demographic_popular_movies (
    group_id integer not null,
    movie_id integer not null,
    popularity_rank integer not null,
    count_ratings integer not null,
    count_likes integer not null,
    damped_like_share double not null,
    damped_mean_rating double not null,
    primary key (group_id, movie_id)
);

comment on table marts.demographic_popular_movies is 'Top movies per demographic group (groups with enough members) by damped like share; min ratings per movie in the group.';
comment on column marts.demographic_popular_movies.group_id is 'Group (marts.demographic_groups).';
comment on column marts.demographic_popular_movies.movie_id is 'The movie.';
comment on column marts.demographic_popular_movies.popularity_rank is '1 = most popular in the group; ties broken by damped_mean_rating, then smaller movie_id.';
comment on column marts.demographic_popular_movies.count_ratings is 'Group members who rated the movie.';
comment on column marts.demographic_popular_movies.count_likes is 'Group members who rated it 4 or 5.';
comment on column marts.demographic_popular_movies.damped_like_share is '(count_likes + w * global like share) / (group size + w), in [0, 1].';
comment on column marts.demographic_popular_movies.damped_mean_rating is 'Bayesian average rating: (sum + w * global mean) / (count_ratings + w), 1..5.';
