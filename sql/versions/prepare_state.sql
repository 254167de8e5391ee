-- Template (dq_project.warehouse.versioned.replace_state): what replacing the state of a versioned table at
-- one date changes, for the keys in temp table state_scope (the key columns, or the leading ones {scope}) given the new rows in
-- temp table state_new (key and value columns). {versions} holds one row per version of a key's
-- values with valid_from / valid_to (null = still valid); its view shows the state at every date
-- of {dates}. Only versions that really change are written: a version covering the date with the
-- same values stays as it is; one that differs (or whose key left the state) is cut at the date:
-- the part before the date and the part from the next date of {dates} on stay, and the new values
-- hold from the date to that next date.
create or replace temp table state_next as
select min(as_of_date) as next_date from {dates} where as_of_date > cast($as_of_date as date);
create or replace temp table state_covering as
select v.rowid as version_row, v.*
from {versions} as v
semi join state_scope using ({scope})
where v.valid_from <= cast($as_of_date as date)
  and (v.valid_to is null or v.valid_to > cast($as_of_date as date));
create or replace temp table state_changed as
select c.* from state_covering as c
anti join state_new as n on row({c_row}) is not distinct from row({n_row});
create or replace temp table state_added as
select n.* from state_new as n
anti join state_covering as c on row({c_row}) is not distinct from row({n_row});
