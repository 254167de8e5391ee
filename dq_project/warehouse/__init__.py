"""Warehouse access: the DuckDB resource, versioned per-date tables, the SQL loader, the run lock,
the disk-fault messages and the health checks of `dq doctor`."""
