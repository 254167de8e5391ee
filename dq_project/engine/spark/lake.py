"""The lake: Parquet tables the Spark engine writes, partitioned by snapshot date.

Layout (docs/spark.md): <lake>/<schema>/<table>/snapshot_date=YYYY-MM-DD/part-*.parquet, the same
schema.table names as the warehouse (raw/customer_rows, staging/customers, quality/rule_results,
quality/rule_failures, matching/pairs, matching/clusters, golden/customers, golden/provenance).
A date is one directory, overwritten as a whole, so a re-run of a date replaces it (idempotent) and
never touches another date. The date is the directory, not a column of the files: Spark and DuckDB
(hive_partitioning) both read it back.

After a stage writes a date, `mirrored` lets the stage's own insert SQL replace the warehouse's rows
of that date with the lake's (DuckDB's read_parquet), so the report side (KPIs, report, review
queue, exports, stewardship) stays one implementation over one set of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from dq_project.warehouse.sql import run_template

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

TABLES = (
    "raw/customer_rows",
    "staging/customers",
    "quality/rule_results",
    "quality/rule_failures",
    "matching/pairs",
    "matching/clusters",
    "golden/customers",
    "golden/provenance",
)
PARTITION = "snapshot_date"


def partition_path(lake: str, table: str, date: dt.date | str) -> str:
    """The directory of one date of one lake table."""
    if table not in TABLES:
        raise ValueError(f"unknown lake table {table!r}; known: {TABLES}")
    return f"{lake.rstrip('/')}/{table}/{PARTITION}={date}"


def write_partition(frame: DataFrame, lake: str, table: str, date: dt.date | str) -> str:
    """Overwrite one date of `table` with the Spark frame (its own snapshot_date column dropped)."""
    path = partition_path(lake, table, date)
    frame.drop(PARTITION).write.mode("overwrite").parquet(path)
    return path


def write_local_partition(frame: pl.DataFrame, lake: str, table: str, date: dt.date | str) -> str:
    """Overwrite one date of `table` from the driver (rows that exist only there: the raw rows the
    embedded ingest read, rule results)."""
    path = Path(partition_path(lake, table, date))
    if path.exists():
        for old in path.glob("*"):
            old.unlink()
    path.mkdir(parents=True, exist_ok=True)
    frame.drop(PARTITION, strict=False).write_parquet(path / "part-0.parquet")
    return str(path)


def files_of(lake: str, table: str, date: dt.date | str) -> str:
    """The glob of a date's Parquet files (Spark leaves _SUCCESS and .crc files beside them)."""
    return f"{partition_path(lake, table, date)}/*.parquet"


@contextmanager
def mirrored(
    con: duckdb.DuckDBPyConnection, lake: str, table: str, date: dt.date | str, frame: str
) -> Iterator[None]:
    """One date of a lake table as the temporary table `frame` of `con` while the block runs: the
    name the stage's insert SQL reads (what the DuckDB engine registers from Polars)."""
    run_template(
        con, "engine/load_lake_partition", {"frame": frame},
        snapshot_date=str(date), files=files_of(lake, table, date),
    )  # fmt: skip
    try:
        yield
    finally:
        run_template(con, "engine/drop_lake_partition", {"frame": frame})
