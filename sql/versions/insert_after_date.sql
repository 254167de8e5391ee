-- Template (dq_project.warehouse.versioned.replace_state): a changed version that reached past the next
-- computed date stays valid from that date on.
insert into {versions} by name
select * exclude (version_row, valid_from), (select next_date from state_next) as valid_from
from state_changed
where (select next_date from state_next) is not null
  and (valid_to is null or valid_to > (select next_date from state_next));
