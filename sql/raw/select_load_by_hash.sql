select load_id, file_name, snapshot_date, rows_loaded, rows_quarantined
from raw.loads
where source = $source and file_hash = $file_hash;
