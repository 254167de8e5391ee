-- The records an incremental run re-clusters: every record new or changed (`changed_frame`) or
-- named by a steward decision (`decision_keys_frame`), the previous entities of those, and the
-- whole previous components (matching.clusters.component_key) of all these records and of the
-- records the newly scored merge-band pairs (`scored_frame`) reach. That is a union of whole
-- components of the date's merge-band graph (the previous date's edges between unchanged records
-- stay inside a previous component; a new edge has both ends' components in), so a full run
-- clusters every other record as before. A previous component the changed records no longer
-- hold together is re-clustered whole too: the same clusters, the same golden IDs.
with
previous as materialized (
    select record_key, golden_id, component_key
    from matching.clusters
    where as_of_date = cast($previous_date as date)
),
touched as (
    select record_key from changed_frame
    union
    select record_key from decision_keys_frame
),
seeds as (
    select record_key from touched
    union
    select p.record_key
    from previous as p
    semi join (select golden_id from previous semi join touched using (record_key)) as g using (golden_id)
    union
    select record_key_l from scored_frame where match_probability >= merge_threshold
    union
    select record_key_r from scored_frame where match_probability >= merge_threshold
)
select record_key from seeds
union
select p.record_key
from previous as p
semi join (select component_key from previous semi join seeds using (record_key)) as c using (component_key)
order by record_key;
