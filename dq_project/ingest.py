"""Landing-folder discovery and loading of source files into raw, exactly once per file content.

A file's snapshot date comes from its name (the source's `snapshot_date_regex`), else from its
modification time. A file whose SHA-256 is already in raw.loads for that source is not read again.
Each load runs in one transaction: rows, quarantine and the load-log row land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dq_project.settings import Settings, SourceSettings
from dq_project.sql import query_sql, run_sql


@dataclass(frozen=True)
class LandedFile:
    source: str
    path: Path
    snapshot_date: dt.date


@dataclass(frozen=True)
class LoadOutcome:
    file: LandedFile
    load_id: str
    status: str  # "loaded" | "already_loaded"
    rows_loaded: int
    rows_quarantined: int


def snapshot_date_of(path: Path, source: SourceSettings) -> dt.date:
    """The snapshot date in the file name, else the file's modification date (UTC)."""
    match = re.search(source.snapshot_date_regex, path.name)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).date()


def discover(settings: Settings) -> list[LandedFile]:
    """Every file in the landing folder that some source's pattern claims, sorted."""
    found = []
    for source in settings.sources:
        folder = settings.landing_dir / source.name
        for path in sorted(folder.glob(source.pattern)) if folder.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                found.append(LandedFile(source.name, path, snapshot_date_of(path, source)))
    return found


def files_for_partition(settings: Settings, snapshot_date: dt.date) -> list[LandedFile]:
    return [f for f in discover(settings) if f.snapshot_date == snapshot_date]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_file(con: duckdb.DuckDBPyConnection, source: SourceSettings, landed: LandedFile) -> LoadOutcome:
    """Land one file into raw.customer_rows / raw.quarantine / raw.loads, unless already loaded."""
    file_hash = file_sha256(landed.path)
    previous = query_sql(con, "raw/select_load_by_hash", source=source.name, file_hash=file_hash).fetchall()
    if previous:
        load_id, _name, _date, rows_loaded, rows_quarantined = previous[0]
        return LoadOutcome(landed, load_id, "already_loaded", rows_loaded, rows_quarantined)
    load_id = f"{source.name}-{landed.snapshot_date.isoformat()}-{file_hash[:16]}"
    params = {
        "load_id": load_id,
        "source": source.name,
        "file_name": landed.path.name,
        "snapshot_date": landed.snapshot_date.isoformat(),
    }
    con.begin()
    try:
        if landed.path.stat().st_size > 0:
            run_sql(con, "raw/reset_rejects")
            run_sql(con, "raw/insert_csv_rows", path=str(landed.path), delimiter=source.delimiter, **params)
            run_sql(con, "raw/quarantine_rejects", **params)
        run_sql(con, "raw/insert_load", file_hash=file_hash, file_bytes=landed.path.stat().st_size, **params)
        con.commit()
    except Exception:
        con.rollback()
        raise
    row = query_sql(con, "raw/select_load_by_hash", source=source.name, file_hash=file_hash).fetchall()[0]
    return LoadOutcome(landed, load_id, "loaded", rows_loaded=row[3], rows_quarantined=row[4])
