"""Source readers: one file in, its rows into raw.customer_rows and its unreadable rows into raw.quarantine.

Every reader keeps values as text exactly as received (a JSON object keyed by the file's own column
names), numbers rows in file order, and never drops a row silently: what it cannot read it quarantines
with the line (or row) number, the reason and the raw text. Readers run inside the caller's
transaction and do not write the load log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from dq_project.settings import SourceSettings


@dataclass(frozen=True)
class LoadParams:
    """Where the rows of one load go (bound into the raw insert statements)."""

    load_id: str
    source: str
    file_name: str
    snapshot_date: str


@dataclass(frozen=True)
class ReadResult:
    columns: list[str]  # the file's column names, in file order
    encoding: str | None  # the text encoding used (None for binary formats)


def read_to_raw(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Read one landed file of `source` into raw (format from the source's config)."""
    from dq_project.sources.readers import csv, excel, jsonl, parquet
    from dq_project.sources.readers.magic import refuse_containers

    if source.format in ("csv", "jsonl") and path.stat().st_size:
        refuse_containers(path, source.format.upper())

    readers = {
        "csv": csv.read_csv,
        "xlsx": excel.read_xlsx,
        "jsonl": jsonl.read_jsonl,
        "parquet": parquet.read_parquet,
    }
    return readers[source.format](con, path, source, params)
