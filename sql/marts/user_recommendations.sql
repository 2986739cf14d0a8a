/*
Purpose: precomputed top-n recommendations per (user, method), the way platforms serve them:
         `watchit recommend --all --store` fills it with exactly what the live path
         (pipeline/recommend.py recommend_for_users) returns, and `watchit recommend --user`
         reads it instead of scoring ~100 candidates when the list is fresh.
Grain:   one row per (user_id, method, rank), rank 1..list_limit.
Inputs:  filled by Python (pipeline/recommend.py store_recommendations); no SQL reads.
Caveats: `create or replace`: every `watchit build` recreates it EMPTY, because the lists
         depend on the CF models the build replaces; re-run `watchit recommend --all --store`
         after a build. A stored list is served only while it is fresh: computed_at is not
         before the latest meta.build_info step (other than `recommend`) and the user has no
         app.ratings row rated at or after computed_at; otherwise the live path runs. A load
         starts from an empty warehouse, so the table is gone until the next build.
*/
create or replace table marts.user_recommendations (
    user_id integer not null,
    movie_id integer not null,
    method varchar not null,
    explanation varchar not null,
    rank integer not null,
    predicted_rating double not null,
    score double not null,
    list_limit integer not null,
    computed_at timestamp not null,
    primary key (user_id, method, rank)
);

comment on table marts.user_recommendations is 'Precomputed top-n recommendations per user and method, written by watchit recommend --all --store; emptied by every watchit build; served only while fresh (see the column computed_at).';
comment on column marts.user_recommendations.user_id is 'The user (staging.stg_users or app.users).';
comment on column marts.user_recommendations.method is 'Recommendation method: hybrid, item, user, popular or cluster.';
comment on column marts.user_recommendations.rank is 'Position in the list, 1 = best; ranked by score (personal candidates before popular fill-ups).';
comment on column marts.user_recommendations.movie_id is 'The recommended movie (marts.movies); never one the user had rated when the list was computed.';
comment on column marts.user_recommendations.explanation is 'One-line reason shown to the user, e.g. because you rated Alien (1979) 5 stars.';
comment on column marts.user_recommendations.predicted_rating is 'Predicted rating 1 to 5 from the method''s CF prediction query (baseline for popular fill-ups).';
comment on column marts.user_recommendations.score is 'Ranking score: predicted_rating * ln(1 + neighbour support); damped mean rating for popular fill-ups.';
comment on column marts.user_recommendations.list_limit is 'The -n of the store run: lists of up to this many movies were stored; requests for more are scored live.';
comment on column marts.user_recommendations.computed_at is 'When the store run started, UTC; the list is stale once a build or a newer app.ratings rating of the user follows it.';
