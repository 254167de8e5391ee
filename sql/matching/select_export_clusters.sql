-- clusters export: which golden record every source record belongs to, as of a date.
select r.source, r.source_record_id, c.golden_id
from matching.clusters as c
join staging.current_customers(cast($as_of_date as date)) as r on r.record_key = c.record_key
where c.as_of_date = cast($as_of_date as date)
order by r.source, r.source_record_id;
