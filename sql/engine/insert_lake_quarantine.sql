-- The records of one load Spark's CSV reader could not parse (dq_project.engine.spark.ingest) into
-- raw.quarantine, with the reason and the raw text as received.
insert into raw.quarantine (load_id, source, file_name, line, snapshot_date, reason, raw_text, raw_bytes)
select $load_id, $source, $file_name, line, cast($snapshot_date as date), reason, raw_text, null
from read_parquet($files)
order by line;
