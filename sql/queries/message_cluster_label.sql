/*
Purpose: the taste-cluster label of one user ("action and sci-fi fans").
Grain:   one row (none when the user has no cluster).
Inputs:  $user_id; marts.user_clusters, marts.clusters. Run only when both exist.
*/
with user_clusters as (
    select * from marts.user_clusters
),

clusters as (
    select * from marts.clusters
)

select clusters.label
from user_clusters
inner join clusters
    on user_clusters.cluster_id = clusters.cluster_id
where user_clusters.user_id = $user_id
