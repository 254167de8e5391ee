-- The records an incremental run re-clusters: the whole components, over the merge-band edges of
-- the date (the previous date's edges between unchanged records, plus the newly scored edges in
-- `scored_frame`), of every record new or changed (`changed_frame`), named by a steward decision
-- (`decision_keys_frame`), or in a previous entity with such a record. Every other previous entity
-- keeps its records and edges, so a full run would cluster it as before.
with recursive
previous as (
    select record_key, golden_id from matching.clusters where as_of_date = cast($previous_date as date)
),
edges as materialized (
    select p.record_key_l as a, p.record_key_r as b
    from matching.pairs as p
    where p.as_of_date = cast($previous_date as date) and p.match_probability >= $merge_threshold
      and p.record_key_l not in (select record_key from changed_frame)
      and p.record_key_r not in (select record_key from changed_frame)
    union all
    select record_key_l, record_key_r from scored_frame where match_probability >= $merge_threshold
),
links as materialized (
    select a, b from edges
    union all
    select b, a from edges
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
),
reach(record_key) as (
    select record_key from seeds
    union
    select l.b from reach as r join links as l on l.a = r.record_key
)
select record_key from reach order by record_key;
