-- Golden IDs that changed on a date (merged, retired, split off, members moved) and why, for the report.
select change, golden_id, related_golden_id, records, cause
from matching.golden_id_changes
where as_of_date = cast($as_of_date as date) and change <> 'new'
order by change, golden_id
limit $limit;
