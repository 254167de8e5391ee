"""Ingest on Spark: a landed CSV file read by Spark's CSV reader into raw, with dq's guarantees.

dq's ingest (dq_project.sources.ingest) stays the frame: the file's hash (a file is read once), the
load log, the whole-file quarantine of an unreadable file, schema drift, keyless rows and erasure
tombstones all run as on DuckDB, in the load's one warehouse transaction. Only the reading of the
rows is Spark's (sources.ingest.reading_with): Spark parses the file (PERMISSIVE, the malformed
records in `_corrupt_record`), the rows and the malformed records are written as Parquet under the
lake (`<lake>/_ingest/<load_id>/`), and the load's transaction inserts them into raw.customer_rows
and raw.quarantine, so raw keeps every row as received and quarantines what Spark could not parse.

What stays on the driver's readers, and why (`driver_only` says which, per file):
- xlsx: Spark has no Excel reader (spark-excel is a third-party jar);
- a file with bytes its encoding (UTF-8, GBK, GB18030) cannot decode: Spark's decoder replaces a
  bad byte with U+FFFD instead of failing the line, so dq could not quarantine the line with its
  raw bytes; dq transcodes and quarantines line by line (readers/encoding.py). So every file is
  decoded strictly on the driver first (a streaming decode), and other encodings stay there;
- JSONL: dq's rules (a record holds only its own line's keys, a repeated key quarantines the line,
  numbers as DuckDB's JSON parser prints them) differ from Spark's JSON reader (a record gets every
  key of the file, numbers as written);
- Parquet: dq's text forms of dates, times and nested values (readers/rows.as_text) are not Spark's
  casts to string;
- CSV with `header_row` > 1 (Spark cannot skip leading lines) or a custom encoding setting.
"""

from __future__ import annotations

import codecs
import re
import shutil
from dataclasses import asdict
from pathlib import Path

import duckdb
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType
from pyspark.sql.window import Window

from dq_project.settings import SourceSettings
from dq_project.sources.readers import LoadParams, ReadResult, read_to_raw
from dq_project.sources.readers.csv import header, unique_names
from dq_project.sources.readers.encoding import resolve_encoding
from dq_project.warehouse.sql import run_sql

CORRUPT = "_dq_corrupt_record"
# DuckDB's words for a record with the wrong number of fields, so both engines give the same reason
TOO_MANY = "TOO MANY COLUMNS: Expected Number of Columns: "
MISSING = "MISSING COLUMNS: Expected Number of Columns: "
UNCLOSED = "UNQUOTED VALUE: Value with unterminated quote found."
MALFORMED = "MALFORMED RECORD: Spark's CSV parser could not read this record"
# Python codec -> Java charset (GBK / GB18030 need spark.sql.legacy.javaCharsets, set by the session)
SPARK_ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gbk": "GBK", "gb18030": "GB18030"}


def driver_only(source: SourceSettings, path: Path) -> str | None:
    """Why this file is read by dq's own reader on the driver; None: Spark reads it."""
    if source.format != "csv":
        return f"{source.format}: read by dq's reader on the driver (docs/spark.md, Ingest)"
    if source.header_row != 1:
        return "csv with header_row > 1: Spark's CSV reader cannot skip leading lines"
    if path.stat().st_size == 0:
        return "empty file"
    encoding = resolve_encoding(source.encoding, path)
    if encoding.lower() not in SPARK_ENCODINGS:
        return f"{encoding}: an encoding dq reads itself (readers/encoding.py)"
    if not _decodes(path, encoding):
        return f"bytes that are not {encoding}: dq quarantines their lines with the bytes (Spark would not)"
    return None


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes strictly (a streaming decode on the driver)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class SparkReader:
    """`read_to_raw` with Spark's CSV reader for the files it can read (the driver's for the rest);
    `reads` counts the files each way."""

    def __init__(self, spark: SparkSession, lake_root: str):
        self.spark, self.lake = spark, lake_root.rstrip("/")
        self.reads = {"spark": 0, "driver": 0}

    def __call__(
        self, con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
    ) -> ReadResult:
        if driver_only(source, path):
            self.reads["driver"] += 1
            return read_to_raw(con, path, source, params)
        self.reads["spark"] += 1
        encoding = resolve_encoding(source.encoding, path)
        columns = unique_names(
            header(path, source, "utf-8-sig" if encoding.startswith("utf-8") else encoding)
        )
        out = Path(f"{self.lake}/_ingest/{params.load_id}")
        try:
            self._read_csv(path, source, columns, out)
            files = {part: f"{out}/{part}/*.parquet" for part in ("rows", "quarantine")}
            run_sql(con, "engine/insert_lake_rows", files=files["rows"], **asdict(params))
            run_sql(con, "engine/insert_lake_quarantine", files=files["quarantine"], **asdict(params))
        finally:
            shutil.rmtree(out, ignore_errors=True)
        return ReadResult(columns=columns, encoding=encoding)

    def _read_csv(self, path: Path, source: SourceSettings, columns: list[str], out: Path) -> None:
        encoding = SPARK_ENCODINGS[resolve_encoding(source.encoding, path).lower()]
        """The file's rows (row_number in file order among the good ones, the record as JSON of text
        values keyed by the file's column names, nulls kept) and its malformed records (the record
        number after the header as line, the reason, the raw text) as Parquet under `out`."""
        schema = StructType(
            [StructField(c, StringType()) for c in columns] + [StructField(CORRUPT, StringType())]
        )
        frame = (
            self.spark.read.schema(schema)
            .option("header", True).option("enforceSchema", True).option("encoding", encoding)
            .option("sep", source.delimiter).option("quote", source.quote).option("escape", source.quote)
            .option("multiLine", True)  # quoted line breaks; one file is one partition, in order
            .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
            .csv(str(path))
        )  # fmt: skip
        frame = frame.withColumn("_dq_order", F.monotonically_increasing_id()).localCheckpoint()
        values = F.struct(*[F.col(f"`{c}`") for c in columns])
        record = F.to_json(values, {"ignoreNullFields": "false"})
        malformed = F.col(CORRUPT).isNotNull()
        ordered = Window.orderBy("_dq_order")
        numbered = frame.withColumn("_dq_record_number", F.row_number().over(ordered))
        numbered.where(~malformed).select(
            F.row_number().over(ordered).cast("bigint").alias("row_number"), record.alias("record")
        ).write.mode("overwrite").parquet(f"{out}/rows")
        numbered.where(malformed).select(
            (F.col("_dq_record_number") + F.lit(source.header_row)).cast("bigint").alias("line"),
            _reason(F.col(CORRUPT), source, len(columns)).alias("reason"),
            F.col(CORRUPT).alias("raw_text"),
        ).write.mode("overwrite").parquet(f"{out}/quarantine")


def _reason(raw, source: SourceSettings, expected: int):
    """Why a record was malformed: its number of fields (delimiters outside quotes) against the
    header's, in DuckDB's words; else Spark's general complaint (a quote it could not close)."""
    sep, quote = re.escape(source.delimiter), re.escape(source.quote)
    outside_quotes = f"{sep}(?=(?:[^{quote}]*{quote}[^{quote}]*{quote})*[^{quote}]*$)"
    found = F.size(F.split(F.regexp_replace(raw, "[\\r\\n]+$", ""), outside_quotes, -1))
    # DuckDB reports one error per field counted past the header's (too many: Found N+1, N+2, ...;
    # missing: Found M, M+1, ... N-1), the first three of them, then "(and k more errors)"
    first = F.when(found > expected, F.lit(expected + 1)).otherwise(found)
    last = F.when(found > expected, found).otherwise(F.lit(expected - 1))
    kind = F.when(found > expected, F.lit(TOO_MANY)).otherwise(F.lit(MISSING))
    errors = F.transform(
        F.sequence(first, F.least(last, first + 2)),
        lambda k: F.concat(kind, F.lit(f"{expected} Found: "), k.cast("string")),
    )
    count = last - first + 1
    more = F.when(count > 3, F.concat(F.lit(" (and "), (count - 3).cast("string"), F.lit(" more errors)")))
    quotes = F.length(raw) - F.length(F.regexp_replace(raw, quote, ""))
    return (
        # an unclosed quote: Spark (like DuckDB) reads on into the next record(s), which this raw
        # text then holds; DuckDB's words for it
        F.when(quotes % 2 == 1, F.lit(UNCLOSED))
        .when(found != expected, F.concat(F.array_join(errors, "; "), F.coalesce(more, F.lit(""))))
        .otherwise(F.lit(MALFORMED))
    )
