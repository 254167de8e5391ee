-- Entities that gained records on a date (the merges made by this run): records now, records on
-- the previous as_of_date (0 for an entity formed today). Largest first.
with today as (
    select golden_id, count(*) as records
    from matching.clusters
    where as_of_date = cast($as_of_date as date)
    group by golden_id
    having count(*) > 1
),
before as (
    select golden_id, count(*) as records
    from matching.clusters
    where as_of_date = (
        select max(as_of_date) from matching.linked_dates where as_of_date < cast($as_of_date as date)
    )
    group by golden_id
)
select t.golden_id, t.records, coalesce(b.records, 0) as records_before
from today as t
left join before as b using (golden_id)
where t.records > coalesce(b.records, 0)
order by t.records desc, t.golden_id
limit $limit;
