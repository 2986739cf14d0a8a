/* Exactly one baseline row whose global mean is a rating in [1, 5] (empty ratings fail too). */
select count(*) as count_rows
from marts.rating_baselines
having count(*) <> 1 or bool_or(not global_mean between 1 and 5)
