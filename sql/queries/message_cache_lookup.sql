/*
Purpose: cached messages for a batch of prompts (temp table message_cache_requests).
Grain:   one row per requested prompt found in the cache.
Inputs:  temp message_cache_requests(prompt_hash); $provider, $model, $prompt_version;
         app.message_cache.
*/
with message_cache as (
    select * from app.message_cache
),

requests as (
    select distinct prompt_hash from message_cache_requests
)

select
    message_cache.prompt_hash,
    message_cache.message,
    message_cache.count_attempts
from message_cache
inner join requests
    on message_cache.prompt_hash = requests.prompt_hash
where
    message_cache.provider = $provider
    and message_cache.model = $model
    and message_cache.prompt_version = $prompt_version
