/*
Purpose: the item_candidates step of a run whose method finds no item-kNN candidates (user,
         popular): the columns of recommend_item.sql and no row.
Grain:   none.
Inputs:  none.
*/
select
    cast(null as integer) as user_id,
    cast(null as integer) as movie_id,
    cast(null as varchar) as item_explanation,
    cast(null as double) as item_support
where false
