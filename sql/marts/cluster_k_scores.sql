/*
Purpose: model selection record of the last `watchit cluster`: silhouette and inertia of
         k-means for every k tried; the chosen k has the highest silhouette (or was given).
Grain:   one row per k tried.
Inputs:  filled by Python (pipeline/clustering.py).
Caveat:  with a given --k only that k is scored.
*/
create table if not exists marts.cluster_k_scores (
    k integer primary key,
    silhouette double not null,
    inertia double not null,
    is_chosen boolean not null
);

comment on table marts.cluster_k_scores is 'Silhouette and inertia of k-means per k tried by watchit cluster; is_chosen marks the k used.';
comment on column marts.cluster_k_scores.k is 'Number of clusters tried.';
comment on column marts.cluster_k_scores.silhouette is 'Mean silhouette coefficient (euclidean, standardised features), -1..1, higher is better.';
comment on column marts.cluster_k_scores.inertia is 'Sum of squared distances of users to their centroid (lower is tighter; always falls with k).';
comment on column marts.cluster_k_scores.is_chosen is 'True for the k written to marts.user_clusters.';
