-- The rows of one load read by Spark's CSV reader (dq_project.engine.spark.ingest), written as
-- Parquet under the lake, into raw.customer_rows: the same columns the driver's readers insert.
insert into raw.customer_rows
select
    $load_id,
    $source,
    $file_name,
    row_number,
    cast($snapshot_date as date),
    cast(record as json)
from read_parquet($files)
order by row_number;
