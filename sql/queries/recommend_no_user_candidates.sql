/*
Purpose: the user_candidates step of a run whose method finds no user-kNN candidates (item,
         popular): the columns of recommend_user.sql and no row.
Grain:   none.
Inputs:  none.
*/
select
    cast(null as integer) as user_id,
    cast(null as integer) as movie_id,
    cast(null as varchar) as user_explanation,
    cast(null as double) as user_support
where false
