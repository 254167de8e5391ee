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
previous_date as (
    select max(as_of_date) as d from matching.linked_dates where as_of_date < cast($as_of_date as date)
),
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
),
lineage as (
    select golden_id, change, from_id as related_golden_id, size as records
    from golden_assignment
    where change in ('new', 'split')
    union all
    select golden_id, 'retire', survivor, shared from retired
    union all
    select survivor, 'merge', golden_id, shared from retired where survivor is not null
),
-- records whose golden ID differs from the previous date's (joined, left, or new to the data)
moved as (
    select s.golden_id as now_id, p.golden_id as before_id, coalesce(s.record_key, p.record_key) as record_key
    from state_new as s
    full join previous as p on p.record_key = s.record_key
    where s.golden_id is distinct from p.golden_id
),
members as (
    select a.golden_id, 'members' as change, null as related_golden_id, count(*) as records
    from golden_assignment as a
    join moved as m on a.golden_id in (m.now_id, m.before_id)
    where a.change = 'kept'
      and a.golden_id not in (select golden_id from lineage union all select related_golden_id from lineage
                              where related_golden_id is not null)
    group by a.golden_id
),
-- what decisions first applied on this date name: records, and the golden IDs holding them
decided as (
    select unnest([d.record_key_l, d.record_key_r, d.golden_id]) as subject
    from matching.steward_decisions as d, previous_date as pd
    where cast(d.decided_at as date) <= cast($as_of_date as date)
      and (pd.d is null or cast(d.decided_at as date) > pd.d)
),
decided_ids as (
    select subject as golden_id from decided
    union
    select golden_id from state_new where record_key in (select subject from decided)
    union
    select golden_id from previous where record_key in (select subject from decided)
)
select cast($as_of_date as date) as as_of_date, c.golden_id, c.change, c.related_golden_id, c.records,
       case
           when c.golden_id in (select golden_id from decided_ids)
                or c.related_golden_id in (select golden_id from decided_ids) then 'steward_decision'
           when $model_changed then 'model_change'
           else 'new_data'
       end as cause
from (select * from lineage union all select * from members) as c;
drop table golden_assignment;
