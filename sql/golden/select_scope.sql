-- The golden IDs whose golden record can differ between $previous_date's build and $as_of_date:
-- entities that gained, lost or changed records in matching.clusters (a version starting or ending
-- in between: the new and the old IDs), entities of records whose staged values changed
-- (`changed_frame`), and entities with a steward field override (followed through merges).
with recursive
overridden(golden_id, depth) as (
    select distinct golden_id, 0 from matching.steward_decisions where action = 'override_field'
    union
    select r.related_golden_id, o.depth + 1
    from overridden as o
    join matching.golden_id_changes as r on r.golden_id = o.golden_id and r.change = 'retire'
    where o.depth < 100
),
touched as (
    select golden_id from matching.cluster_versions
    where valid_from > cast($previous_date as date) and valid_from <= cast($as_of_date as date)
    union all
    select golden_id from matching.cluster_versions
    where valid_to > cast($previous_date as date) and valid_to <= cast($as_of_date as date)
    union all
    select c.golden_id
    from matching.clusters as c
    semi join changed_frame using (record_key)
    where c.as_of_date = cast($as_of_date as date)
    union all
    select golden_id from overridden
)
select distinct golden_id from touched where golden_id is not null order by golden_id;
