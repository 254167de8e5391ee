"""Golden records of a date on Spark: the survivorship SQL of sql/golden/, transpiled (golden_sql).

Inputs: the date's clusters and every staged date up to it from the lake, the steward decisions
and golden-ID changes of the warehouse (small tables, sent from the driver), and the survivorship
settings (source trust, field rules). The statements run in the order the DuckDB build runs them;
each temp table of the DuckDB build is a cached temp view here. The results (golden.provenance's
stored rows and golden.customers) are written to the lake, then the warehouse's state of the date
is replaced from the lake's Parquet by the same versioned-table code the DuckDB build uses, so the
report side reads the same rows on both engines.

Only the full build of a date runs on Spark. An incremental build (only the entities that can have
changed) rebuilds the date in full here, and a scoped rebuild (`dq erase`) stays on DuckDB: both
need the previous date's stored rows, which live in the warehouse, not the lake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import polars as pl
import pyarrow as pa
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from dq_project.engine.spark import lake
from dq_project.engine.spark.golden_sql import GOLDEN_FILES, spark_statements, view_name
from dq_project.golden.survivorship import _trust, golden_fingerprint, survivorship_rules
from dq_project.settings import Settings
from dq_project.warehouse.sql import run_sql, run_template
from dq_project.warehouse.versioned import GOLDEN, PROVENANCE, replace_state

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Warehouse tables sent from the driver: a few rows per steward decision or golden-ID change.
DRIVER_TABLES = ("matching.steward_decisions", "matching.golden_id_changes")
FAST_PATH = True  # single-record entities skip the ranking, as the DuckDB build's default


def golden_inputs(
    spark: SparkSession,
    lake_root: str,
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: str,
    *,
    scope: pl.DataFrame | None = None,
) -> None:
    """Register the views the golden statements read: staging__customers (every staged lake date up
    to `as_of`, with a `rowid` for DuckDB's last-row-stored tie-break), matching__clusters (the
    lake's date), the driver tables, source_trust, field_rules and golden_scope."""
    # rowid: monotonically_increasing_id is the same on every scan of the same files (partition
    # index and position), so the two references of build_members agree without caching staging
    staged = spark.read.option("mergeSchema", True).parquet(f"{lake_root.rstrip('/')}/staging/customers")
    staged = staged.where(F.col(lake.PARTITION) <= F.lit(as_of).cast("date"))
    staged.withColumn("rowid", F.monotonically_increasing_id()).createOrReplaceTempView(
        view_name("staging.customers")
    )
    clusters = spark.read.parquet(lake.partition_path(lake_root, "matching/clusters", as_of))
    clusters.withColumn("as_of_date", F.lit(as_of).cast("date")).createOrReplaceTempView(
        view_name("matching.clusters")
    )
    for table in DRIVER_TABLES:
        rows = con.sql(f"select * from {table}").fetch_arrow_table()  # noqa: S608 (a constant name above)
        _driver_frame(spark, rows).createOrReplaceTempView(view_name(table))
    frames = {
        "source_trust": _trust(settings),
        "field_rules": survivorship_rules(settings.golden.survivorship),
        "golden_scope": scope if scope is not None else pl.DataFrame(schema={"golden_id": pl.String}),
    }
    for name, frame in frames.items():
        _driver_frame(spark, frame.to_arrow()).createOrReplaceTempView(name)


def _driver_frame(spark: SparkSession, table: pa.Table) -> DataFrame:
    """A small driver-side Arrow table as a Spark frame (extension types such as JSON as their
    storage, large strings as strings: what Spark's Arrow conversion accepts)."""
    fields = []
    for f in table.schema:
        kind = f.type.storage_type if isinstance(f.type, pa.ExtensionType) else f.type
        kind = pa.string() if pa.types.is_large_string(kind) else kind
        if pa.types.is_list(kind) or pa.types.is_large_list(kind):
            kind = pa.list_(pa.string())
        fields.append(pa.field(f.name, kind))
    table = table.cast(pa.schema(fields))
    if table.num_rows == 0:  # pyspark's Arrow path fails on a table without chunks
        return spark.createDataFrame([], from_arrow_schema(table.schema))
    return spark.createDataFrame(table)


def run_golden_statements(spark: SparkSession, as_of: str, *, scoped: bool = False) -> dict[str, DataFrame]:
    """Run the golden statements; the frames left at the end: state_new (golden.provenance's new
    stored rows) and customers_new (golden.customers)."""
    params = {"as_of_date": as_of, "scoped": scoped, "single_fast_path": FAST_PATH}
    # Spark 4.3's constraint propagation fails on build_provenance's UNION ALL of two UNPIVOTs
    # (`NoSuchElementException: key not found: value#...` in UnionBase.rewriteConstraints); it
    # only infers extra filters, so the results are the same without it.
    spark.conf.set("spark.sql.constraintPropagation.enabled", "false")
    views: dict[str, DataFrame] = {}
    for name in GOLDEN_FILES:
        for step in spark_statements(name):
            if step.kind == "drop":
                views.pop(step.target).unpersist()
                spark.catalog.dropTempView(step.target)
                continue
            if step.kind == "view":
                frame = spark.sql(step.sql, args=_wanted(step.sql, params))
            elif step.kind == "append":
                added = spark.sql(step.sql, args=_wanted(step.sql, params))
                frame = views[step.target].unionByName(added)
            elif step.kind == "add_column":
                frame = views[step.target].withColumn(step.column, F.lit(None).cast("string"))
            elif step.kind == "update":
                frame = _update(views[step.target], spark.sql(step.sql), step.column, step.keys)
            else:
                raise ValueError(f"unknown golden step {step.kind}")
            frame = frame.localCheckpoint()  # a temp table, as on DuckDB: computed once, lineage cut
            frame.createOrReplaceTempView(step.target)
            views[step.target] = frame
    return views


def _wanted(sql: str, params: dict) -> dict:
    return {k: v for k, v in params.items() if f":{k}" in sql}


def _update(target: DataFrame, rows: DataFrame, column: str, keys: tuple[str, ...]) -> DataFrame:
    """UPDATE target SET column = rows.column FROM rows WHERE keys match: the joined value where a
    row matches, the old one elsewhere; the column order is kept."""
    joined = target.alias("t").join(rows.alias("u"), on=list(keys), how="left")
    value = F.coalesce(F.col(f"u.{column}"), F.col(f"t.{column}")).alias(column)
    return joined.select(
        *[value if c == column else F.col(c if c in keys else f"t.{c}") for c in target.columns]
    )


def build_golden_on_spark(
    spark: SparkSession, lake_root: str, con: duckdb.DuckDBPyConnection, settings: Settings, as_of: str
) -> dict[str, int]:
    """The full golden build of `as_of` on Spark: the lake's golden/provenance and golden/customers
    of the date, then the warehouse's state of the date replaced from them; rows written."""
    golden_inputs(spark, lake_root, con, settings, as_of)
    views = run_golden_statements(spark, as_of)
    provenance, customers = views["state_new"], views["customers_new"]
    written = {}
    for table, frame, columns in (
        ("golden/provenance", provenance, PROVENANCE.key + PROVENANCE.values),
        ("golden/customers", customers, GOLDEN.key + GOLDEN.values),
    ):
        lake.write_partition(frame.select(*columns), lake_root, table, as_of)
        written[table] = frame.count()
    for frame in views.values():
        frame.unpersist()
    mirror_golden(con, settings, lake_root, as_of)
    return written


def mirror_golden(con: duckdb.DuckDBPyConnection, settings: Settings, lake_root: str, as_of: str) -> None:
    """golden.provenance and golden.customers of the date := the lake's rows (one transaction), the
    date registered with the survivorship fingerprint as a DuckDB build does."""
    fingerprint = golden_fingerprint(_trust(settings), survivorship_rules(settings.golden.survivorship))
    con.begin()
    try:
        run_sql(con, "golden/insert_built_date", as_of_date=as_of, fingerprint=fingerprint)
        for table, versioned in (("golden/provenance", PROVENANCE), ("golden/customers", GOLDEN)):
            run_template(
                con, "engine/load_lake_state", {"columns": ", ".join(versioned.key + versioned.values)},
                files=lake.files_of(lake_root, table, as_of),
            )  # fmt: skip
            replace_state(con, versioned, as_of, full=True)
        con.commit()
    except BaseException:
        con.rollback()
        raise
