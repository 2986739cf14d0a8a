/*
Purpose: one row per k-means taste cluster: its human label, size, most over-represented
         genres and centroid. A genre's excess = (cluster mean share of ratings in the genre
         - all-user mean share) / all-user standard deviation of that share; the label names
         the (up to) two genres with the largest positive excess ("action and sci-fi fans"),
         adding a genre or the cluster number when a label is already taken.
Grain:   one row per cluster_id.
Inputs:  filled by Python (pipeline/clustering.py via `watchit cluster`).
*/
create table if not exists marts.clusters (
    cluster_id integer primary key,
    label varchar not null,
    top_genres varchar [] not null,
    feature_names varchar [] not null,
    count_users integer not null,
    centroid double [] not null
);

comment on table marts.clusters is 'K-means taste clusters: label, size, over-represented genres and centroid; filled by watchit cluster.';
comment on column marts.clusters.cluster_id is 'Cluster number 0..k-1 (as in marts.user_clusters).';
comment on column marts.clusters.label is 'Human label from the top over-represented genres, e.g. "action and sci-fi fans"; unique.';
comment on column marts.clusters.top_genres is 'Over-represented genres, largest excess first: (cluster mean share - all-user mean share) / all-user std of the share; positive only, at most 3.';
comment on column marts.clusters.feature_names is 'Names of the centroid coordinates, in order (e.g. share_Action, centred_Action, log_count_ratings, svd_1).';
comment on column marts.clusters.count_users is 'Users in the cluster.';
comment on column marts.clusters.centroid is 'Cluster centre in the standardised feature space (mean 0, unit variance per feature over all users).';
