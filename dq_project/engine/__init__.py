"""The engine the per-record stages run on: the embedded DuckDB (default) or Spark.

The asset graph is the same on both; an asset asks `engine_of(settings)` and, on Spark, hands its
per-date work to dq_project.engine.spark (the CSV reading of ingest, staging, rule outcomes,
linkage, golden records), which reads and writes the Parquet lake and mirrors the date's rows into
the warehouse, so KPIs, the report, the review queue and exports stay one DuckDB implementation.
The engine is chosen by the settings the warehouse resource already carries (`[engine]`), so every
existing resource binding (the runner, the sensor, tests) runs either engine unchanged. pyspark is
imported only when kind = "spark".
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from dq_project.settings import Settings

if TYPE_CHECKING:
    from dq_project.engine.spark.engine import SparkEngine


class DuckDBEngine:
    """The embedded engine: the assets' own DuckDB/Polars code paths; nothing to dispatch."""

    kind = "duckdb"
    is_spark = False

    def ingest(self) -> nullcontext:
        """Ingest as dq's readers run it (DuckDB)."""
        return nullcontext()

    def linkage(self) -> nullcontext:
        """Linkage as the matching code runs it (Splink's DuckDBAPI)."""
        return nullcontext()

    def golden(self, con, settings: Settings, as_of: str, *, full: bool = False) -> tuple[str, int | None]:
        """The golden build in the warehouse (incremental when it can be)."""
        from dq_project.golden.survivorship import build_golden_incrementally

        return build_golden_incrementally(con, settings, as_of, full=full)


DUCKDB = DuckDBEngine()


def engine_of(settings: Settings) -> DuckDBEngine | SparkEngine:
    """The engine of `settings` ([engine] kind). Spark engines are cached per (master, lake, options):
    one SparkSession per process, as Spark itself allows."""
    if not settings.engine.is_spark:
        return DUCKDB
    from dq_project.engine.spark.engine import spark_engine

    return spark_engine(settings)
