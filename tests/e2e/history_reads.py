"""A read-only query of a test history's warehouse, for the report tests that compare what a page
shows with what the warehouse holds."""

from __future__ import annotations

import duckdb
import polars as pl


def read_history(history, sql: str, **params) -> pl.DataFrame:
    con = duckdb.connect(str(history.settings.warehouse_path), read_only=True)
    try:
        return con.sql(sql, params=params or None).pl()
    finally:
        con.close()
