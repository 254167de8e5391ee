select source, count(*) as files, sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as rows_quarantined
from raw.loads
where snapshot_date = cast($snapshot_date as date)
group by source
order by source;
