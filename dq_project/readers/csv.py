"""CSV: DuckDB's reader (any delimiter, quoted multi-line fields) with rejected lines quarantined.

UTF-8 files (with or without BOM) go to DuckDB as they are: it rejects lines with invalid UTF-8
('INVALID ENCODING') like any other bad line. GBK/GB18030 files are first transcoded to a temporary
UTF-8 copy beside the warehouse; lines with undecodable bytes are cut out of the copy and quarantined
with their physical line numbers, and DuckDB's reject line numbers are mapped back to the original's.
DuckDB numbers a reject by record, so after a quoted multi-line field its line is the record's line.
"""

from __future__ import annotations

import csv as std_csv
from dataclasses import asdict
from pathlib import Path

import duckdb

from dq_project.readers import LoadParams, ReadResult
from dq_project.readers.encoding import UTF8, BadLine, line_shifts, resolve_encoding, utf8_copy
from dq_project.readers.rows import quarantine_lines, warehouse_dir
from dq_project.settings import SourceSettings
from dq_project.sql import run_sql


def read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Load a CSV file in the source's (or the detected) encoding; bad lines land in raw.quarantine."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    encoding = resolve_encoding(source.encoding, path)
    if encoding in UTF8:
        _load_utf8(con, path, source, params, "raw/quarantine_rejects")
        return ReadResult(columns=header(path, source), encoding=encoding)
    with utf8_copy(path, encoding, warehouse_dir(con)) as (copy, removed):
        if any(bad.line == 1 for bad in removed):
            raise ValueError(
                f"{path}: the header line is not valid {encoding}; check the source's encoding "
                f"(configured {source.encoding!r})"
            )
        quarantine_lines(con, removed, params)
        if copy.stat().st_size:
            _load_utf8(con, copy, source, params, "raw/quarantine_transcoded_rejects", removed)
        return ReadResult(columns=header(copy, source), encoding=encoding)


def _load_utf8(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: SourceSettings,
    params: LoadParams,
    quarantine_sql: str,
    removed: list[BadLine] | None = None,
) -> None:
    options = {"path": str(path), "delimiter": source.delimiter, "quote": source.quote}
    run_sql(con, "raw/reset_rejects")
    run_sql(con, "raw/insert_csv_rows", **options, **asdict(params))
    run_sql(con, quarantine_sql, shifts=line_shifts(removed or []), **asdict(params))


def header(path: Path, source: SourceSettings, encoding: str = "utf-8-sig") -> list[str]:
    """The column names of the file's first record (quoted names and delimiters handled)."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        return next(std_csv.reader(handle, delimiter=source.delimiter, quotechar=source.quote), [])
