-- Template (dq_project.versioned.replace_state): the versions a replacement of the state at one
-- date may change, for the keys in temp table state_scope (the key columns). {versions} holds one
-- row per version of a key's values with valid_from / valid_to (null = still valid); its view shows
-- the state at every date of {dates}. Then versions/diff_state.
create or replace temp table state_next as
select min(as_of_date) as next_date from {dates} where as_of_date > cast($as_of_date as date);
create or replace temp table state_covering as
select v.rowid as version_row, v.*
from {versions} as v
semi join state_scope as s on row({v_key}) = row({s_key})
where v.valid_from <= cast($as_of_date as date)
  and (v.valid_to is null or v.valid_to > cast($as_of_date as date));
