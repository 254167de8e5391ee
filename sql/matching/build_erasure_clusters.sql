-- Erasure, after matching/erase_record: the new state at $as_of_date of the records left in the
-- entities the erased record ($record_key) belonged to then (size and cluster_key recomputed), and
-- of the records whose component it was the key of (component_key: the smallest key left; the
-- component may have fallen apart without it, and an incremental run then re-clusters the pieces
-- together, which a full run clusters alike), as state_new and state_scope for
-- dq_project.warehouse.versioned.replace_state.
create or replace temp table state_new as
with
scope as (
    select c.*, e.golden_id is not null as in_entity
    from matching.clusters as c
    left join erasure_entities as e on e.as_of_date = c.as_of_date and e.golden_id = c.golden_id
    where c.as_of_date = cast($as_of_date as date)
      and (e.golden_id is not null or c.component_key = $record_key)
)
select
    record_key,
    customer_type,
    case when in_entity then min(record_key) over (partition by golden_id) else cluster_key end as cluster_key,
    golden_id,
    case when in_entity then count(*) over (partition by golden_id) else cluster_size end as cluster_size,
    case
        when component_key = $record_key then min(record_key) over (partition by component_key)
        else component_key
    end as component_key
from scope;
create or replace temp table state_scope as
select record_key from state_new;
