-- Stable golden IDs, step 2 (sql/matching/assign_golden_ids.sql made golden_assignment): the
-- clusters with their IDs into temp table state_new, and the ID lineage into
-- matching.golden_id_changes.
delete from matching.golden_id_changes where as_of_date = cast($as_of_date as date) and change <> 'erased';
create or replace temp table state_new as
select c.record_key, c.customer_type, c.cluster_key, a.golden_id, a.size as cluster_size, c.component_key
from clusters_frame as c
join golden_assignment as a on a.cluster_key = c.cluster_key;
insert into matching.golden_id_changes by name
with
previous as (
    select p.record_key, p.golden_id
    from matching.clusters as p
    semi join clusters_frame as f on f.record_key = p.record_key
    where p.as_of_date = (
        select max(as_of_date) from matching.linked_dates where as_of_date < cast($as_of_date as date)
    )
),
retired as (
    select p.golden_id, a.golden_id as survivor, count(a.golden_id) as shared
    from previous as p
    left join clusters_frame as c on c.record_key = p.record_key
    left join golden_assignment as a on a.cluster_key = c.cluster_key
    where p.golden_id not in (select golden_id from golden_assignment)
    group by p.golden_id, a.golden_id
    qualify row_number() over (partition by p.golden_id order by count(a.golden_id) desc, a.golden_id) = 1
)
select cast($as_of_date as date) as as_of_date, golden_id, change, from_id as related_golden_id, size as records
from golden_assignment
where change in ('new', 'split')
union all
select cast($as_of_date as date), golden_id, 'retire', survivor, shared from retired
union all
select cast($as_of_date as date), survivor, 'merge', golden_id, shared from retired where survivor is not null;
drop table golden_assignment;
