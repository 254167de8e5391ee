-- Template (dq_project.versioned.replace_state): versions/prepare_state for replacing the whole
-- state at a date: every version covering the date (no scope to join). Then versions/diff_state.
create or replace temp table state_next as
select min(as_of_date) as next_date from {dates} where as_of_date > cast($as_of_date as date);
create or replace temp table state_covering as
select v.rowid as version_row, v.*
from {versions} as v
where v.valid_from <= cast($as_of_date as date)
  and (v.valid_to is null or v.valid_to > cast($as_of_date as date));
