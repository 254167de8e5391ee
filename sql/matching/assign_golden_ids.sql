-- Stable golden IDs, step 1 (read only: dq_project.matching.snapshot runs it before its writing
-- transaction): temp table golden_assignment, one row per cluster of `clusters_frame`
-- (record_key, customer_type, cluster_key), the final clusters of the records in scope: every
-- record, or in an incremental run the entities it touched (whole entities, before and after).
-- The previous state is matching.clusters at the latest linked date before this one, for those
-- records; step 2 is sql/matching/build_clusters.sql.
--   * every previous ID goes to the current cluster holding most of its records (its heir);
--   * a cluster keeps, among the IDs it is heir to, the one sharing most records, then the larger
--     previous entity, then the older ID (first new/split date), then the smaller ID; the other
--     IDs retire into it (merge);
--   * a cluster without a kept ID gets a new one: 'G' + 12 hex digits of md5(smallest record key),
--     or of md5(smallest key '@' date) when that ID was used before; it is a split of the previous
--     entity it shares most records with, or new if it shares none.
-- ('erased' rows record entities whose every record was erased on request: dq erase; they stay.)
create or replace temp table golden_assignment as
with
previous as (
    select p.record_key, p.golden_id, count(*) over (partition by p.golden_id) as previous_size
    from matching.clusters as p
    semi join clusters_frame as f on f.record_key = p.record_key
    where p.as_of_date = (
        select max(as_of_date) from matching.linked_dates where as_of_date < cast($as_of_date as date)
    )
),
born as (
    select golden_id, min(as_of_date) as born
    from matching.golden_id_changes
    where change in ('new', 'split') and as_of_date < cast($as_of_date as date)
    group by golden_id
),
overlap as (
    select c.cluster_key, p.golden_id, count(*) as shared, any_value(p.previous_size) as previous_size
    from clusters_frame as c
    join previous as p on p.record_key = c.record_key
    group by c.cluster_key, p.golden_id
),
heirs as (
    select *, row_number() over (partition by golden_id order by shared desc, cluster_key) = 1 as is_heir
    from overlap
),
kept as (
    select h.cluster_key, h.golden_id
    from heirs as h
    left join born as b on b.golden_id = h.golden_id
    where h.is_heir
    qualify row_number() over (
        partition by h.cluster_key
        order by h.shared desc, h.previous_size desc, b.born nulls last, h.golden_id
    ) = 1
),
origin as (
    select cluster_key, golden_id as from_id
    from overlap
    qualify row_number() over (partition by cluster_key order by shared desc, golden_id) = 1
),
entities as (
    select cluster_key, count(*) as size, 'G' || upper(substr(md5(min(record_key)), 1, 12)) as candidate,
           'G' || upper(substr(md5(min(record_key) || '@' || cast($as_of_date as varchar)), 1, 12)) as fallback
    from clusters_frame
    group by cluster_key
),
used as (
    select distinct u.golden_id
    from (
        select golden_id from matching.golden_id_changes where as_of_date < cast($as_of_date as date)
        union all
        select golden_id from matching.cluster_versions where valid_from < cast($as_of_date as date)
    ) as u
    semi join entities as e on e.candidate = u.golden_id
)
select
    e.cluster_key,
    e.size,
    coalesce(k.golden_id, case when u.golden_id is null then e.candidate else e.fallback end) as golden_id,
    case when k.golden_id is not null then 'kept' when o.from_id is null then 'new' else 'split' end as change,
    o.from_id
from entities as e
left join kept as k on k.cluster_key = e.cluster_key
left join origin as o on o.cluster_key = e.cluster_key
left join used as u on u.golden_id = e.candidate;
