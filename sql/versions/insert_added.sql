-- Template (dq_project.warehouse.versioned.replace_state): the new values ({added}: state_added, or state_new
-- when nothing was stored at the date), from the date to the next one.
insert into {versions} by name
select *, cast($as_of_date as date) as valid_from, (select next_date from state_next) as valid_to
from {added};
