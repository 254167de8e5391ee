-- Erasure, after matching/erase_record: the new state at $as_of_date of the records left in the
-- entities the erased record belonged to then (size and cluster_key recomputed), as state_new and
-- state_scope for dq_project.versioned.replace_state.
create or replace temp table state_new as
select
    c.record_key,
    c.customer_type,
    min(c.record_key) over (partition by c.golden_id) as cluster_key,
    c.golden_id,
    count(*) over (partition by c.golden_id) as cluster_size
from matching.clusters as c
semi join erasure_entities as e on e.as_of_date = c.as_of_date and e.golden_id = c.golden_id
where c.as_of_date = cast($as_of_date as date);
create or replace temp table state_scope as
select record_key from state_new;
