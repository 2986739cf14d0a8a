/* Ratings must be whole or half stars within 1..5. */
select *
from staging.stg_ratings
where rating is null or rating < 1 or rating > 5
