-- Template (dq_project.versioned.replace_state): the new values, from the date to the next one.
insert into {versions} by name
select *, cast($as_of_date as date) as valid_from, (select next_date from state_next) as valid_to
from state_added;
