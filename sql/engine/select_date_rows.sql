-- One as_of_date of a warehouse table whose rows the Spark engine publishes to the lake
-- (matching.pairs / clusters, golden.customers / provenance: dq_project.engine.spark.engine.publish).
select * exclude (as_of_date) from {table} where as_of_date = cast($as_of_date as date);
