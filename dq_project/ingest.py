"""Landing-folder discovery and loading of source files into raw, exactly once per file content.

A file's snapshot date comes from its name, a date column, or the day it landed (per source). A
file whose SHA-256 is already in raw.loads for that source is not read again. Each load runs in one
transaction: rows, quarantine and the load-log row land together or not at all. Rows of records
erased on request (raw.erasures) are dropped before the load commits and counted as rows_erased.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from dq_project.audit_log import log_event
from dq_project.erasure import skip_erased_rows
from dq_project.mapping_check import blank_columns, drift, required_problems, store_warnings
from dq_project.readers import LoadParams, read_to_raw
from dq_project.settings import Settings, SettingsError, SourceSettings
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
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)  # what could not be mapped (mapping_check)


def snapshot_date_of(path: Path, source: SourceSettings) -> dt.date:
    """The file's snapshot date, found as the source says (file name, a column, or the load date).

    A file name without a date, or a column without any parseable date, falls back to the date the
    file landed (its modification time, UTC).
    """
    landed_on = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).date()
    if source.snapshot_date_from == "filename":
        match = re.search(source.snapshot_date_regex, path.name)
        if match:
            try:
                return dt.date.fromisoformat(match.group(1))
            except ValueError:
                pass
    elif source.snapshot_date_from == "column":
        return latest_date_in_column(path, source) or landed_on
    return landed_on


def latest_date_in_column(path: Path, source: SourceSettings) -> dt.date | None:
    """The latest ISO date (or date-time) in the source's snapshot_date_column of a CSV file."""
    if source.format != "csv" or path.stat().st_size == 0:
        raise SettingsError(f"{source.name}: snapshot_date_from = 'column' is supported for CSV files only")
    column = pl.col(source.snapshot_date_column).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    frame = pl.scan_csv(
        path, infer_schema=False, separator=source.delimiter, quote_char=source.quote, encoding="utf8-lossy"
    )
    return frame.select(column.max()).collect().item()


def discover(settings: Settings) -> list[LandedFile]:
    """Every file in the landing folder that some source's pattern claims, sorted."""
    found = []
    for source in settings.sources:
        folder = settings.source_landing(source)
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


class SchemaDriftError(ValueError):
    """A file lacks columns its source's mapping requires, or has them blank in every row; nothing
    of it was loaded."""


def load_file(con: duckdb.DuckDBPyConnection, source: SourceSettings, landed: LandedFile) -> LoadOutcome:
    """Land one file into raw.customer_rows / raw.quarantine / raw.loads, unless already loaded.

    Raises SchemaDriftError (and loads nothing) when a required column is missing or blank in every
    row; other missing mapped columns stay null downstream and unknown extra columns are kept in
    raw; both are logged in raw.loads. What could not be mapped is also a warning (LoadOutcome.warnings,
    raw.mapping_warnings; see dq_project.mapping_check).
    """
    file_hash = file_sha256(landed.path)
    previous = query_sql(con, "raw/select_load_by_hash", source=source.name, file_hash=file_hash).fetchall()
    if previous:
        load_id, _name, _date, rows_loaded, rows_quarantined = previous[0]
        return LoadOutcome(landed, load_id, "already_loaded", rows_loaded, rows_quarantined)
    params = LoadParams(
        load_id=f"{source.name}-{landed.snapshot_date.isoformat()}-{file_hash[:16]}",
        source=source.name,
        file_name=landed.path.name,
        snapshot_date=landed.snapshot_date.isoformat(),
    )
    con.begin()
    try:
        result = read_to_raw(con, landed.path, source, params)
        missing, extra, warnings = drift(result.columns, source) if result.columns else ([], [], [])
        lacking = required_problems(source, result.columns, missing) if result.columns else []
        if lacking:
            raise SchemaDriftError(
                f"{landed.path}: required column(s) {lacking} missing (source {source.name!r} maps "
                f"{source.source_columns}; the file has {result.columns}); nothing was loaded"
            )
        if result.columns:
            warnings += blank_columns(con, source, result.columns, params.load_id)
        blank_required = [
            w.reference for w in warnings if w.kind == "all_null" and w.reference in source.required
        ]
        if blank_required:
            raise SchemaDriftError(
                f"{landed.path}: required column(s) {blank_required} are blank in every row of the file "
                f"(source {source.name!r}); nothing was loaded"
            )
        store_warnings(con, warnings, asdict(params))
        rows_erased = skip_erased_rows(con, source, params.load_id)
        run_sql(
            con,
            "raw/insert_load",
            rows_erased=rows_erased,
            file_hash=file_hash,
            file_bytes=landed.path.stat().st_size,
            encoding=result.encoding,
            missing_columns=missing,
            extra_columns=extra,
            **asdict(params),
        )
        row = query_sql(con, "raw/select_load_by_hash", source=source.name, file_hash=file_hash).fetchall()[0]
        log_event(
            con,
            "load",
            target=f"{source.name}/{landed.path.name}",
            snapshot_date=landed.snapshot_date,
            details={
                "load_id": params.load_id,
                "rows_loaded": row[3],
                "rows_quarantined": row[4],
                "rows_erased": rows_erased,
                "encoding": result.encoding,
                "missing_columns": missing,
                "extra_columns": extra,
            },
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    return LoadOutcome(
        landed,
        params.load_id,
        "loaded",
        rows_loaded=row[3],
        rows_quarantined=row[4],
        missing_columns=missing,
        extra_columns=extra,
        encoding=result.encoding,
        warnings=[w.message for w in warnings],
    )


def land(settings: Settings, source: SourceSettings, path: Path, snapshot_date: dt.date | None) -> LandedFile:
    """Copy a file into the source's landing folder so discovery puts it in the right partition.

    With an explicit date, a file-name-dated source gets the date in the landed name and a
    load-date source gets it as the file's modification time.
    """
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    folder = settings.source_landing(source)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if snapshot_date is not None and source.snapshot_date_from == "filename":
        match = re.search(source.snapshot_date_regex, path.name)
        if not match or match.group(1) != snapshot_date.isoformat():
            target = folder / f"{path.stem}_{snapshot_date.isoformat()}{path.suffix}"
    shutil.copyfile(path, target)
    if snapshot_date is not None and source.snapshot_date_from == "load_date":
        noon = dt.datetime.combine(snapshot_date, dt.time(12), tzinfo=dt.UTC).timestamp()
        os.utime(target, (noon, noon))
    return LandedFile(source.name, target, snapshot_date_of(target, source))
