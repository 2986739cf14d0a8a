/*
Purpose: the latest personal message per user, recommendation method and model, written by
         `watchit message --all` (batch runs).
Grain:   one row per (user_id, method, provider, model); a new run replaces the row.
Inputs:  written by pipeline/messages.py.
Caveat:  source says who wrote the text: 'llm' (the model, guard passed), 'offline' (the
         template, provider offline) or 'fallback' (the template because the model failed;
         fallback_reason says why). In the app schema so reloads and builds keep it.
*/
create table if not exists app.recommendation_messages (
    user_id integer not null,
    method varchar not null,
    provider varchar not null,
    model varchar not null,
    prompt_version varchar not null,
    prompt_hash varchar not null,
    message varchar not null,
    source varchar not null,
    fallback_reason varchar,
    count_recommendations integer not null,
    is_cached boolean not null,
    created_at timestamp not null,
    primary key (user_id, method, provider, model)
);

comment on table app.recommendation_messages is 'Latest personal message per (user, method, provider, model) from watchit message --all.';
comment on column app.recommendation_messages.user_id is 'The user the message is for.';
comment on column app.recommendation_messages.method is 'Recommendation method whose list the message introduces (e.g. hybrid).';
comment on column app.recommendation_messages.provider is 'LLM provider asked: offline, ollama, openai or gemini.';
comment on column app.recommendation_messages.model is 'Model name (template for offline).';
comment on column app.recommendation_messages.prompt_version is 'pipeline.prompts.prompt_version() at writing time.';
comment on column app.recommendation_messages.prompt_hash is 'SHA-256 of the rendered prompts; joins app.message_cache.';
comment on column app.recommendation_messages.message is 'The message shown to the user (2-3 plain sentences).';
comment on column app.recommendation_messages.source is 'llm, offline or fallback (offline text after the model failed).';
comment on column app.recommendation_messages.fallback_reason is 'Why the model''s reply was not used (HTTP error, timeout, guard violation...); NULL unless source = fallback.';
comment on column app.recommendation_messages.count_recommendations is 'Number of recommended movies the message introduces.';
comment on column app.recommendation_messages.is_cached is 'True when the text came from app.message_cache instead of a new call.';
comment on column app.recommendation_messages.created_at is 'When the row was written, UTC.';
