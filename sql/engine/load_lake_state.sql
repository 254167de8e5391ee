-- A date of a golden lake table (written by the Spark engine: dq_project.engine.spark.golden) as
-- temp table state_new, the key and value columns of its versioned table, for
-- dq_project.warehouse.versioned.replace_state.
create or replace temp table state_new as
select {columns}
from read_parquet($files, union_by_name = true, hive_partitioning = false);
