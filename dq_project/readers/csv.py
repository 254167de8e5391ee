"""CSV: DuckDB's reader (any delimiter, quoted multi-line fields) with rejected lines quarantined."""

from __future__ import annotations

import csv as std_csv
from dataclasses import asdict
from pathlib import Path

import duckdb

from dq_project.readers import LoadParams, ReadResult
from dq_project.settings import SourceSettings
from dq_project.sql import run_sql


def read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """UTF-8 (with or without BOM) CSV straight through DuckDB; bad lines land in raw.quarantine."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    options = {"path": str(path), "delimiter": source.delimiter, "quote": source.quote}
    run_sql(con, "raw/reset_rejects")
    run_sql(con, "raw/insert_csv_rows", **options, **asdict(params))
    run_sql(con, "raw/quarantine_rejects", **asdict(params))
    return ReadResult(columns=header(path, source), encoding="utf-8")


def header(path: Path, source: SourceSettings, encoding: str = "utf-8-sig") -> list[str]:
    """The column names of the file's first record (quoted names and delimiters handled)."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        return next(std_csv.reader(handle, delimiter=source.delimiter, quotechar=source.quote), [])
