/*
Purpose: cache of personal messages a language model wrote, so that re-running
         `watchit message` with the same prompt costs no HTTP call (`--refresh` bypasses it).
Grain:   one row per (provider, model, prompt_version, prompt_hash).
Inputs:  written by pipeline/messages.py after a reply passed the output guard.
Caveat:  fallbacks (the offline message after a model failed) are not stored, so a later run
         asks the model again; offline messages are not stored either (they cost nothing).
         In the app schema so `watchit load` carries it over and `watchit build` keeps it.
*/
create table if not exists app.message_cache (
    provider varchar not null,
    model varchar not null,
    prompt_version varchar not null,
    prompt_hash varchar not null,
    message varchar not null,
    count_attempts integer not null,
    created_at timestamp not null,
    primary key (provider, model, prompt_version, prompt_hash)
);

comment on table app.message_cache is 'Messages written by an LLM, keyed by provider, model, prompt version and prompt hash; re-runs read them instead of calling the model.';
comment on column app.message_cache.provider is 'LLM provider: ollama, openai or gemini.';
comment on column app.message_cache.model is 'Model name as sent to the provider, e.g. llama3.2.';
comment on column app.message_cache.prompt_version is 'pipeline.prompts.prompt_version(): schema number plus a hash of every template text.';
comment on column app.message_cache.prompt_hash is 'SHA-256 of the rendered system and user prompts (hex).';
comment on column app.message_cache.message is 'The accepted message (passed the output guard), whitespace collapsed.';
comment on column app.message_cache.count_attempts is 'Calls it took to get an accepted reply (1 = first try).';
comment on column app.message_cache.created_at is 'When the message was written, UTC.';
