-- One date of a lake table (Parquet written by the Spark engine) as a temporary table `{frame}` of
-- this connection, with the date the directory names; the stage's own insert SQL then reads it like
-- the frame the DuckDB engine registers (dq_project.engine.spark.lake.mirror).
create or replace temp table {frame} as
select *, cast($snapshot_date as date) as snapshot_date
from read_parquet($files, union_by_name = true, hive_partitioning = false);
