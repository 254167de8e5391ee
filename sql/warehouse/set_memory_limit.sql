-- The DuckDB memory limit of this connection ([warehouse] memory_limit); larger work spills to disk.
set memory_limit = $memory_limit;
