-- Quarantined and refused files, newest first: all of them, or those of one snapshot date; released
-- ones only when asked for.
select source, file_name, path, file_hash, snapshot_date, kind, reason, action, quarantined_at,
       released_at, released_by
from raw.quarantined_files
where ($snapshot_date is null or snapshot_date = cast($snapshot_date as date))
  and ($include_released or released_at is null)
order by quarantined_at desc, source, file_name
limit $limit;
