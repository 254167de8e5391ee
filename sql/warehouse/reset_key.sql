-- Forget the key once the database is attached (DuckDB keeps the derived key internally).
reset variable dq_warehouse_key;
