-- The files of one snapshot date that were quarantined or refused (the run summary and the report).
select source, file_name, kind, reason, action, file_hash
from raw.quarantined_files
where snapshot_date = cast($snapshot_date as date) and released_at is null
order by source, file_name
limit $limit;
