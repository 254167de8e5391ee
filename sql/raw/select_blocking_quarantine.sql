-- The unreleased quarantine row of a file's content in a source, if any (it is not read again).
select reason, action
from raw.quarantined_files
where source = $source and file_hash = $file_hash and released_at is null
limit 1;
