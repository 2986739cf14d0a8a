/*
Purpose: the taste-cluster label of each requested user ("action and sci-fi fans").
Grain:   one row per requested user with a cluster.
Inputs:  $user_ids (list); marts.user_clusters, marts.clusters. Run only when both exist.
*/
with user_clusters as (
    select * from marts.user_clusters
),

clusters as (
    select * from marts.clusters
)

select
    user_clusters.user_id,
    clusters.label
from user_clusters
inner join clusters
    on user_clusters.cluster_id = clusters.cluster_id
where list_contains($user_ids, user_clusters.user_id)
