-- Row count and an order-independent hash of a table's rows ($table: catalog.schema.table).
select count(*) as row_count, coalesce(sum(hash(t)), 0) as content_hash
from query_table($table) as t;
