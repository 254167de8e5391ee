"""Exports for stewards and CRM re-import: clusters, failures, golden records as CSV, Excel or Parquet.

The two spreadsheet formats guard against formula injection differently, so that legitimate values
round-trip into a CRM unchanged:
- .xlsx writes every text value as a string cell (xlsxwriter with strings_to_formulas off), which no
  spreadsheet evaluates; values are written exactly as they are, `=HYPERLINK(...)` included.
- .csv has no cell types, so a text value a spreadsheet would run as a formula is prefixed with an
  apostrophe: one starting with =, @, tab or CR, or with + or - unless the whole value is a number
  (an E.164 phone `+8613812345678`, `-12.5`), which a spreadsheet reads as a number, not a formula.
  An importer gets every other value byte for byte; a value that starts with an apostrophe followed by
  one of those characters had the apostrophe added (docs/stewardship.md, "Exports").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from dq_project.warehouse.sql import query_sql

QUERIES = {
    "clusters": "matching/select_export_clusters",
    "failures": "quality/select_export_failures",
    "golden": "golden/select_export_golden",
}
FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"  # E.164 phones and signed numbers: data, not formulas


def neutralize_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix CSV text cells that a spreadsheet would run as a formula with an apostrophe (a plain
    signed number or E.164 phone is left alone)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START) & ~pl.col(c).str.contains(PLAIN_NUMBER))
        .then("'" + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def latest_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    return query_sql(con, "quality/select_latest_date").fetchall()[0][0]


def export(con: duckdb.DuckDBPyConnection, what: str, out: Path, as_of: dt.date) -> int:
    """Write one export to `out` (format from the extension); returns the row count."""
    if what not in QUERIES:
        raise ValueError(f"unknown export {what!r}; choose one of {sorted(QUERIES)}")
    frame = query_sql(con, QUERIES[what], as_of_date=as_of.isoformat()).pl()
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise ValueError(f"unsupported export format {suffix!r}: use .csv, .xlsx or .parquet")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed: a full disk leaves no truncated file that looks complete.
    partial = out.with_name(f".{out.name}.partial")
    try:
        if suffix == ".csv":
            neutralize_formulas(frame).write_csv(partial)
        elif suffix == ".xlsx":
            frame.write_excel(partial, worksheet=what)  # string cells: never evaluated, written as they are
        else:
            frame.write_parquet(partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return frame.height
