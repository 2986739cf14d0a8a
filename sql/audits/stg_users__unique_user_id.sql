/* One row per user. */
select
    user_id,
    count(*) as count_rows
from staging.stg_users
group by user_id
having count(*) > 1
