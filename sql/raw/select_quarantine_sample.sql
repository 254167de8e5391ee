select source, file_name, line, reason
from raw.quarantine
where snapshot_date = cast($snapshot_date as date)
order by source, file_name, line
limit $limit;
