-- Template (dq_project.warehouse.versioned.replace_state): versions/prepare_state for replacing the whole
-- state at a date: the versions covering the date are read from {versions} itself, not copied
-- into a scope first (state_new and copies made in the caller's transaction scan far slower
-- than the stored table).
create or replace temp table state_next as
select min(as_of_date) as next_date from {dates} where as_of_date > cast($as_of_date as date);
create or replace temp table state_changed as
select v.rowid as version_row, v.*
from {versions} as v
anti join state_new as n on row({v_row}) is not distinct from row({n_row})
where v.valid_from <= cast($as_of_date as date)
  and (v.valid_to is null or v.valid_to > cast($as_of_date as date));
create or replace temp table state_added as
select n.* from state_new as n
anti join (
    select * from {versions}
    where valid_from <= cast($as_of_date as date) and (valid_to is null or valid_to > cast($as_of_date as date))
) as v on row({v_row}) is not distinct from row({n_row});
