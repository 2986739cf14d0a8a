/*
Purpose: the most popular movies of each taste cluster, ranked by a damped (Bayesian) like
         share, not by raw means:
             damped_like_share = (count_likes + prior_weight * global_like_share)
                                 / (count_users + prior_weight)
         where count_likes = cluster members who rated the movie >= 4, count_users = members
         of the cluster, global_like_share = share of all users who rated it >= 4 and
         prior_weight = popularity_prior_weight (default 10). Movies rated by fewer than
         popularity_min_ratings members (default 5) are absent. damped_mean_rating is the
         Bayesian average rating (sum + prior_weight * global mean) / (count + prior_weight).
         Ranking by damped_mean_rating alone lost to plain global popularity in the cold-start
         evaluation (README), so the like share ranks and the mean is shown.
Grain:   one row per (cluster_id, movie_id); at most popularity_top_n (default 200) per cluster.
Inputs:  filled by `watchit cluster` from sql/queries/group_popular_movies.sql.
*/
create table if not exists marts.cluster_popular_movies (
    cluster_id integer not null,
    movie_id integer not null,
    popularity_rank integer not null,
    count_ratings integer not null,
    count_likes integer not null,
    damped_like_share double not null,
    damped_mean_rating double not null,
    primary key (cluster_id, movie_id)
);

comment on table marts.cluster_popular_movies is 'Top movies per taste cluster by damped like share (Bayesian, prior = global like share, weight 10), min 5 ratings in the cluster.';
comment on column marts.cluster_popular_movies.cluster_id is 'Cluster (marts.clusters).';
comment on column marts.cluster_popular_movies.movie_id is 'The movie.';
comment on column marts.cluster_popular_movies.popularity_rank is '1 = most popular in the cluster; ties broken by damped_mean_rating, then smaller movie_id.';
comment on column marts.cluster_popular_movies.count_ratings is 'Cluster members who rated the movie (>= popularity_min_ratings).';
comment on column marts.cluster_popular_movies.count_likes is 'Cluster members who rated it 4 or 5.';
comment on column marts.cluster_popular_movies.damped_like_share is '(count_likes + w * global like share) / (cluster size + w), in [0, 1].';
comment on column marts.cluster_popular_movies.damped_mean_rating is 'Bayesian average rating: (sum of ratings + w * global mean rating) / (count_ratings + w), 1..5.';
