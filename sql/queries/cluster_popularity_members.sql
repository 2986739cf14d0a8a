/*
Purpose: the members of every taste cluster, in the shape group_popular_movies.sql ranks:
         group_id = cluster_id, the cluster's size, and the minimum-ratings cut always applied.
Grain:   one row per (cluster_id, user_id).
Inputs:  marts.user_clusters.
*/
with user_clusters as (
    select * from marts.user_clusters
),

cluster_sizes as (
    select
        cluster_id,
        count(*) as count_users
    from user_clusters
    group by cluster_id
),

members as (
    select
        user_clusters.cluster_id as group_id,
        user_clusters.user_id,
        cluster_sizes.count_users,
        false as is_min_ratings_waived
    from user_clusters
    inner join cluster_sizes
        on user_clusters.cluster_id = cluster_sizes.cluster_id
)

select * from members
