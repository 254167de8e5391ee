-- An incremental run's pair scope (state_scope for dq_project.warehouse.versioned.replace_state): the pairs
-- the date shows that touch a record new or changed since the previous run (`changed_frame`), and
-- every newly scored pair; the other pairs stay as they are.
create or replace temp table state_scope as
select p.record_key_l, p.record_key_r
from matching.pairs as p
where p.as_of_date = cast($as_of_date as date)
  and (p.record_key_l in (select record_key from changed_frame)
       or p.record_key_r in (select record_key from changed_frame))
union
select record_key_l, record_key_r from state_new;
