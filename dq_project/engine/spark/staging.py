"""staging.customers on Spark: the landed raw rows of a date, mapped and normalized by dq's own
Polars functions (to_canonical, normalize_source_frame) per Arrow batch through mapInArrow.

One implementation: each Spark task runs exactly the functions the DuckDB engine runs on the whole
frame (both are row-local), so the rows are the same; only where they run differs. The output
schema Spark needs up front comes from running the same functions on the date's first rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from dq_project.normalize import normalize_source_frame
from dq_project.settings import SourceSettings
from dq_project.sources.mapping import to_canonical

SAMPLE_ROWS = 200


def staged(rows: pl.DataFrame, source: SourceSettings, snapshot_date: dt.date) -> pl.DataFrame:
    """What the DuckDB engine stages from `rows` (raw rows of one source)."""
    return normalize_source_frame(to_canonical(rows, source), source, snapshot_date)


def arrow_schema(frame: pl.DataFrame) -> pa.Schema:
    """The frame's Arrow schema as Spark takes it: plain strings, and text for all-null columns."""
    fields = []
    for field in frame.to_arrow().schema:
        kind = field.type
        if pa.types.is_large_string(kind) or pa.types.is_null(kind):
            kind = pa.string()
        elif pa.types.is_large_list(kind):
            kind = pa.list_(pa.string() if pa.types.is_large_string(kind.value_type) else kind.value_type)
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields)


def conform(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """`frame` with exactly `schema`'s columns (missing ones null) and types."""
    missing = [pl.lit(None).alias(name) for name in schema.names if name not in frame.columns]
    return frame.with_columns(missing).select(schema.names).to_arrow().cast(schema)


def stage_source(
    raw: DataFrame, sample: pl.DataFrame, source: SourceSettings, snapshot_date: dt.date
) -> DataFrame:
    """Spark: the staged rows of one source's raw rows (load_id, file_name, row_number, record)."""
    schema = arrow_schema(staged(sample, source, snapshot_date))

    def per_batch(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows:
                yield from conform(staged(pl.from_arrow(batch), source, snapshot_date), schema).to_batches()

    return raw.mapInArrow(per_batch, from_arrow_schema(schema))


def stage_date(
    spark: SparkSession, raw_path: str, sources: list[SourceSettings], snapshot_date: dt.date
) -> DataFrame | None:
    """Spark: the staged rows of every source of a date from the lake's raw rows (None: no rows)."""
    raw = spark.read.parquet(raw_path)
    parts = []
    for source in sources:
        rows = raw.where(F.col("source") == source.name).drop("source")
        sample = pl.from_arrow(rows.limit(SAMPLE_ROWS).toArrow())
        if sample.is_empty():
            continue
        parts.append(stage_source(rows, sample, source, snapshot_date))
    if not parts:
        return None
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.unionByName(part, allowMissingColumns=True)
    return frame.withColumn("snapshot_date", F.lit(snapshot_date))
