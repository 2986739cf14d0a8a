/* marts.users has exactly one row per staged user; a mean rating exists iff the user rated. */
select coalesce(users.user_id, stg_users.user_id) as user_id
from marts.users as users
full outer join staging.stg_users as stg_users
    on users.user_id = stg_users.user_id
where
    users.user_id is null
    or stg_users.user_id is null
    or (users.count_ratings = 0) <> (users.mean_rating is null)
    or not coalesce(users.mean_rating, 3) between 1 and 5
union all
select user_id from marts.users
group by user_id
having count(*) > 1
