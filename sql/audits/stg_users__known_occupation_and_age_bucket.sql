/* Every user maps to an occupation name and a documented age bucket. */
select stg_users.*
from staging.stg_users
left join staging.stg_age_buckets
    on stg_users.age_bucket_code = stg_age_buckets.age_bucket_code
where stg_users.occupation is null or stg_age_buckets.age_bucket_code is null
