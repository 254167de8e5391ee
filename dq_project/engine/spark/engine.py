"""The Spark engine: the per-date work of the stages that run on Spark, for the assets to call.

Each method does what the asset's DuckDB body does, with the same inputs and the same warehouse
rows at the end: the heavy per-record part runs in Spark against the lake, and the date's result is
mirrored into the warehouse by the asset's own insert SQL (lake.mirrored). Ingest reads CSV
files with Spark's CSV reader inside dq's load frame (hashes, load log, quarantine in DuckDB); the
date's raw rows are copied to the lake as the input of staging.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from dq_project.engine.spark import lake
from dq_project.engine.spark.session import start_session
from dq_project.engine.spark.staging import stage_date
from dq_project.settings import EngineSettings, Settings
from dq_project.warehouse.sql import query_sql, query_template, run_sql

PUBLISHED = ("matching/pairs", "matching/clusters")
# Why a Spark run of the golden asset is a full build (the asset's `mode` metadata says it).
NO_INCREMENTAL = "full (spark: golden records of the date rebuilt in full; incremental builds run on DuckDB)"


class SparkEngine:
    kind = "spark"
    is_spark = True

    def __init__(self, engine: EngineSettings, lake_root: str):
        self.settings = engine
        self.lake = lake_root
        self._spark: SparkSession | None = None
        self.timings: dict[str, float] = {}
        self.files_read: dict[str, int] = {}  # landed files read by Spark's reader / dq's on the driver

    @property
    def spark(self) -> SparkSession:
        """The session, started on first use (a run that stages nothing starts no JVM)."""
        if self._spark is None:
            self._spark = start_session(self.settings, self.lake)
        return self._spark

    def _timed(self, step: str, started: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started

    def export_raw(self, con, settings: Settings, snapshot_date: dt.date) -> str | None:
        """Copy the date's raw rows (read by the embedded ingest) to the lake; None: no rows."""
        frames = []
        for source in settings.sources:
            rows = query_sql(
                con, "raw/select_partition_rows", snapshot_date=str(snapshot_date), source=source.name
            ).pl()
            if not rows.is_empty():
                frames.append(rows.with_columns(pl.lit(source.name).alias("source")))
        if not frames:
            return None
        raw = pl.concat(frames, how="diagonal_relaxed").with_columns(pl.col("record").cast(pl.String))
        return lake.write_local_partition(raw, self.lake, "raw/customer_rows", snapshot_date)

    def staging(self, warehouse, snapshot_date: dt.date, status_fields: tuple[str, ...]) -> dict:
        """staging.customers of a date on Spark (lake staging/customers), mirrored into the warehouse;
        the asset's metadata (row count, status counts per field)."""
        settings = warehouse.settings()
        started = time.perf_counter()
        with warehouse.connect() as con:
            raw_path = self.export_raw(con, settings, snapshot_date)
        frame = stage_date(self.spark, raw_path, settings.sources, snapshot_date) if raw_path else None
        path = None
        if frame is not None:
            path = lake.write_partition(frame, self.lake, "staging/customers", snapshot_date)
        with warehouse.connect() as con:
            con.begin()
            run_sql(con, "staging/delete_customers_partition", snapshot_date=str(snapshot_date))
            if path is not None:
                with lake.mirrored(con, self.lake, "staging/customers", snapshot_date, "staged_frame"):
                    run_sql(con, "staging/insert_customers")
            con.commit()
        metadata: dict = {"dagster/row_count": 0, "engine": "spark"}
        if path is not None:
            staged = self.spark.read.parquet(path).cache()
            metadata["dagster/row_count"] = staged.count()
            metadata["lake_path"] = path
            for field in status_fields:
                counts = staged.groupBy(F.coalesce(F.col(f"{field}_status"), F.lit("null"))).count().collect()
                metadata[f"{field}_status"] = {status: int(n) for status, n in counts}
            staged.unpersist()
        self._timed("staging", started)
        return metadata

    def run_rules(self, staged: pl.DataFrame, rules: list, as_of: dt.date):
        """The suite on GX's Spark engine (dq_project.engine.spark.quality); the date's results and
        failures also go to the lake (quality/rule_results, quality/rule_failures)."""
        from dq_project.engine.spark.quality import run_rules

        started = time.perf_counter()
        run = run_rules(self.spark, staged, rules, as_of)
        lake.write_local_partition(run.results, self.lake, "quality/rule_results", as_of)
        lake.write_local_partition(run.failures, self.lake, "quality/rule_failures", as_of)
        self._timed("quality", started)
        return run

    @contextmanager
    def ingest(self) -> Iterator[None]:
        """Loads inside the block read CSV files with Spark's CSV reader; the rest of ingest
        (hashes, load log, quarantine, drift, tombstones) is dq's (dq_project.engine.spark.ingest)."""
        from dq_project.engine.spark.ingest import SparkReader
        from dq_project.sources.ingest import reading_with

        started = time.perf_counter()
        reader = SparkReader(self.spark, self.lake)
        with reading_with(reader):
            yield
        self._timed("ingest", started)
        for how, files in reader.reads.items():
            self.files_read[how] = self.files_read.get(how, 0) + files

    @contextmanager
    def linkage(self) -> Iterator[None]:
        """Full linkage runs inside the block score and cluster on Spark (Splink's SparkAPI, the
        saved model grafted: dq_project.engine.spark.linkage); the rest of matching is shared."""
        from dq_project.engine.spark.linkage import SparkPredictor
        from dq_project.matching.resolve import predicting_with

        started = time.perf_counter()
        predictor = SparkPredictor(self.spark)
        with predicting_with(predictor):
            yield
        self._timed("matching", started)
        if predictor.calls:  # a full linkage scored on Spark (an incremental one stays on DuckDB)
            self.timings["splink_on_spark"] = self.timings.get("splink_on_spark", 0.0) + predictor.seconds

    def golden(self, con, settings: Settings, as_of: str, *, full: bool = False) -> tuple[str, int | None]:
        """The golden asset's build on Spark (dq_project.engine.spark.golden): the date's pairs and
        clusters go to the lake, the survivorship SQL runs on Spark over the lake, and its golden
        records and provenance go to the lake and then to the warehouse. Always a full build: an
        incremental one needs the previous date's stored records, which the warehouse holds."""
        from dq_project.engine.spark.golden import build_golden_on_spark

        started = time.perf_counter()
        self.publish(con, as_of)
        build_golden_on_spark(self.spark, self.lake, con, settings, as_of)
        self._timed("golden", started)
        return ("full" if full else NO_INCREMENTAL), None

    def publish(self, con, as_of: str) -> None:
        """Copy the date's pairs and clusters (scored on Spark, clustered and given golden IDs by
        the shared matching code) to the lake, beside staging and the rule outcomes."""
        for table in PUBLISHED:
            rows = query_template(
                con, "engine/select_date_rows", {"table": table.replace("/", ".")}, as_of_date=as_of
            )
            lake.write_local_partition(rows, self.lake, table, as_of)


_ENGINES: dict[tuple, SparkEngine] = {}


def spark_engine(settings: Settings) -> SparkEngine:
    """The process's engine for these [engine] settings and lake (one SparkSession per process)."""
    engine = settings.engine
    key = (engine.master, settings.lake_root, tuple(sorted(engine.options.items())))
    if key not in _ENGINES:
        _ENGINES[key] = SparkEngine(engine, settings.lake_root)
    return _ENGINES[key]
