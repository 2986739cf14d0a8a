/*
Purpose: k-means taste cluster of every user with ratings (pipeline/clustering.py, written by
         `watchit cluster`). Features per user: per-genre mean-centred rating, share of ratings
         per genre, log(1 + count of ratings) and a TruncatedSVD projection of the centred
         rating matrix, each standardised (pipeline/features.py).
Grain:   one row per user_id (users without ratings are absent).
Inputs:  filled by Python (pipeline/commands/clusters.py); a `watchit build` keeps the rows
         (create if not exists) because clusters only depend on staging, not on the CF models.
Caveat:  re-run `watchit cluster` after `watchit load`: a load starts from an empty warehouse.
*/
create table if not exists marts.user_clusters (
    user_id integer primary key,
    cluster_id integer not null,
    distance double not null
);

comment on table marts.user_clusters is 'K-means taste cluster per user (standardised genre-affinity, activity and SVD features); filled by watchit cluster.';
comment on column marts.user_clusters.user_id is 'The user (only users with at least one rating).';
comment on column marts.user_clusters.cluster_id is 'Cluster number 0..k-1; see marts.clusters for its label.';
comment on column marts.user_clusters.distance is 'Euclidean distance to the cluster centroid in the standardised feature space (>= 0).';
