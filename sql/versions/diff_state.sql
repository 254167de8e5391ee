-- Template (dq_project.versioned.replace_state): what replacing the state at the date changes,
-- given the covering versions (versions/prepare_state) and the new rows in temp table state_new
-- (key and value columns, one row per key, as the covering versions). Only versions that really
-- change are written: a version covering the date with the same values stays as it is; one that
-- differs (or whose key left the state) is cut at the date: the part before the date and the part
-- from the next date of {dates} on stay, and the new values hold from the date to that next date.
-- One full join on the key finds both sides (comparing whole rows in two anti joins cost 3x).
create or replace temp table state_diff as
select c.version_row, n.rowid as new_row
from state_covering as c
full join state_new as n on row({c_key}) is not distinct from row({n_key})
where c.version_row is null or n.rowid is null or row({c_values}) is distinct from row({n_values});
create or replace temp table state_changed as
select c.* from state_covering as c
semi join state_diff as d on d.version_row = c.version_row;
create or replace temp table state_added as
select n.* from state_new as n
where n.rowid in (select new_row from state_diff);
