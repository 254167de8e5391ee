"""Exports for stewards and CRM re-import: clusters, failures, golden records as CSV, Excel or Parquet.

Spreadsheet formats neutralize formula injection: a text cell starting with =, +, -, @, tab or CR is
prefixed with an apostrophe, so =HYPERLINK(...) in a customer name stays text when opened in Excel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from dq_project.sql import query_sql

QUERIES = {
    "clusters": "matching/select_export_clusters",
    "failures": "quality/select_export_failures",
    "golden": "golden/select_export_golden",
}
FORMULA_START = r"^[=+\-@\t\r]"


def neutralize_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def latest_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    return query_sql(con, "quality/select_latest_date").fetchall()[0][0]


def export(con: duckdb.DuckDBPyConnection, what: str, out: Path, as_of: dt.date) -> int:
    """Write one export to `out` (format from the extension); returns the row count."""
    if what not in QUERIES:
        raise ValueError(f"unknown export {what!r}; choose one of {sorted(QUERIES)}")
    frame = query_sql(con, QUERIES[what], as_of_date=as_of.isoformat()).pl()
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        neutralize_formulas(frame).write_csv(out)
    elif suffix == ".xlsx":
        neutralize_formulas(frame).write_excel(out, worksheet=what)
    elif suffix == ".parquet":
        frame.write_parquet(out)
    else:
        raise ValueError(f"unsupported export format {suffix!r}: use .csv, .xlsx or .parquet")
    return frame.height
