"""Frames between the driver's Polars and Spark through Parquet files, not through the JVM heap.

Why: `spark.createDataFrame(arrow)` reads every Arrow batch into the driver JVM and keeps it there
(a LocalRelation of rows below spark.sql.execution.arrow.localRelationThreshold, a parallelized
collection above it) for as long as the frame, or a temp view over it, lives; `toArrow()` brings a
whole result back through the driver's task results. In local mode the driver is the executor too,
so a copy of the day's records sat on the heap beside Spark's own work, once for GX and once per
customer type for Splink, and grew with the data: at 100k records a 4 GB heap ran out. Written to
Parquet, the rows are on disk, Spark streams them (and sizes its joins from the files), and the
heap holds only plans.

The files go under `spark.dq.exchange.dir` (session.py sets `<lake>/_spark_exchange`), on the
lake's file system, so workers of a cluster read them too. A lake Polars cannot write to (a
Hadoop-only scheme such as `s3a://`) falls back to Spark's own transfer.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
from pyspark.sql import DataFrame, SparkSession

EXCHANGE_DIR = "spark.dq.exchange.dir"


def _local_dir(spark: SparkSession) -> Path | None:
    """The exchange directory as a local path (None: no directory set, or not a local file system)."""
    where = spark.conf.get(EXCHANGE_DIR, None)
    if not where:
        return None
    if where.startswith("file:"):
        where = where.removeprefix("file:").removeprefix("//")
    elif "://" in where:
        return None
    return Path(where)


class Exchange:
    """One scratch directory of Parquet files for the frames of one piece of work; `close()` (or
    the `exchange` block's end) deletes it, after Spark is done reading."""

    def __init__(self, spark: SparkSession):
        self.spark = spark
        base = _local_dir(spark)
        self.root = base / uuid.uuid4().hex if base is not None else None

    def to_spark(self, frame: pl.DataFrame, name: str) -> DataFrame:
        """`frame` as a Spark frame read from a Parquet file (Spark's own transfer without a dir)."""
        if self.root is None:
            return self.spark.createDataFrame(frame.to_arrow())
        path = self.root / f"{name}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        untyped = [name for name, kind in frame.schema.items() if kind == pl.Null]
        frame = frame.with_columns(pl.col(untyped).cast(pl.String))  # Parquet has no null type for Spark
        frame.write_parquet(path, row_group_size=100_000)
        return self.spark.read.parquet(str(path))

    def to_polars(self, frame: DataFrame, name: str) -> pl.DataFrame:
        """The Spark `frame` in Polars, written by the workers to Parquet and read back from there."""
        if self.root is None:
            return pl.from_arrow(frame.toArrow())
        path = self.root / name
        frame.write.mode("overwrite").parquet(str(path))
        files = sorted(path.glob("*.parquet"))
        if not files:  # an empty result: Spark writes no part file for it
            return pl.from_arrow(frame.limit(0).toArrow())
        return pl.read_parquet(files)

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def exchange(spark: SparkSession) -> Iterator[Exchange]:
    """An Exchange whose files are deleted when the block ends."""
    files = Exchange(spark)
    try:
        yield files
    finally:
        files.close()
