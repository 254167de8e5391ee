-- Every table of an attached database, for copies that must be verified table by table.
select schema_name, table_name
from duckdb_tables()
where database_name = $catalog
order by schema_name, table_name;
