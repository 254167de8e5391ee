-- Template (dq_project.versioned.replace_state): a changed version stays valid up to the date.
insert into {versions} by name
select * exclude (version_row, valid_to), cast($as_of_date as date) as valid_to
from state_changed
where valid_from < cast($as_of_date as date);
