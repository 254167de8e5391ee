-- 'BASE TABLE' or 'VIEW' (no row: absent) for a schema-qualified name.
select table_type from information_schema.tables
where table_schema = $schema_name and table_name = $table_name;
