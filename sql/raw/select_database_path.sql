-- The file behind the connection's current database (null when in memory): temp files go beside it.
select path from duckdb_databases() where database_name = current_database();
