/*
Purpose: the age bucket label ("25-34") of an age in years, for a new viewer's message.
Grain:   one row (none when no bucket covers the age).
Inputs:  $age; staging.stg_age_buckets.
*/
select age_bucket
from staging.stg_age_buckets
where $age between min_age and max_age
