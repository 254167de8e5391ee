"""Parquet: every column cast to text in batches, numbered by row position in the file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dq_project.settings import SourceSettings
from dq_project.sources.file_quarantine import FileProblem
from dq_project.sources.readers import LoadParams, ReadResult
from dq_project.sources.readers.rows import as_text, insert_frame

BATCH_ROWS = 1 << 18


def read_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Load a Parquet file: dates ISO, timestamps 'YYYY-MM-DD HH:MM:SS[.f]', nested values as JSON,
    nulls as null; row_number is the 1-based row position. A Parquet file has no unreadable rows;
    a corrupt or truncated file is a ValueError."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    try:
        parquet = pq.ParquetFile(path)
        offset = 1
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            frame = as_text(pl.from_arrow(batch))
            insert_frame(con, frame, pl.int_range(offset, offset + frame.height, eager=True), params)
            offset += frame.height
    except pa.ArrowException as exc:  # the load's transaction is rolled back by the caller
        raise FileProblem(
            f"{path}: not a readable Parquet file ({exc})", "re-export the file completely and land it again"
        ) from exc
    return ReadResult(columns=list(parquet.schema_arrow.names), encoding=None)
