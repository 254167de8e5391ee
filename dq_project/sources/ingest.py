"""Loading of landed source files into raw, exactly once per file content.

Discovery and the landing boundary are in sources/landing.py. A file whose SHA-256 is already in
raw.loads for that source is not read again. A file that cannot be read at all is quarantined whole
(sources/file_quarantine.py) and the caller goes on with the date's other files. Each load runs in
one transaction: rows, quarantine and the load-log row land together or not at all. Rows of records
erased on request (raw.erasures) are dropped before the load commits and counted as rows_erased.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from dq_project.governance.audit_log import log_event
from dq_project.governance.tombstones import skip_erased_rows
from dq_project.settings import SourceSettings
from dq_project.sources.file_quarantine import FileProblem, QuarantinedFile, blocking, bounded, record
from dq_project.sources.landing import LandedFile, discover, files_for_partition, land, snapshot_date_of
from dq_project.sources.mapping_check import blank_columns, drift, required_problems, store_warnings
from dq_project.sources.mapping_spec import json_pointer
from dq_project.sources.readers import LoadParams, ReadResult, read_to_raw
from dq_project.warehouse.sql import query_sql, run_sql

__all__ = [
    "LandedFile",
    "LoadOutcome",
    "discover",
    "files_for_partition",
    "land",
    "load_file",
    "snapshot_date_of",
]
# What a reader raises for a file it cannot read (readers raise ValueError with the path and the
# cause; DuckDB's CSV reader raises InvalidInputException for a dialect it cannot follow).
UNREADABLE = (ValueError, duckdb.InvalidInputException, duckdb.ConversionException)
# The reader of a file's rows: dq's readers (read_to_raw), or another engine's for the files it can
# read (dq_project.engine.spark.ingest). Everything around the read is the same on every engine.
_READER: ContextVar[Callable[..., ReadResult] | None] = ContextVar("dq_reader", default=None)


@contextlib.contextmanager
def reading_with(reader: Callable[..., ReadResult]) -> Iterator[None]:
    """Loads inside the block read rows with `reader` (read_to_raw's signature)."""
    token = _READER.set(reader)
    try:
        yield
    finally:
        _READER.reset(token)


@dataclass(frozen=True)
class LoadOutcome:
    file: LandedFile
    load_id: str
    status: str  # "loaded" | "already_loaded" | "quarantined" (the whole file) | "refused"
    rows_loaded: int
    rows_quarantined: int
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    problem: str | None = None  # why the file was quarantined or refused (bounded)
    action: str | None = None  # what to do about it
    warnings: list[str] = field(default_factory=list)  # what could not be mapped (mapping_check)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SchemaDriftError(FileProblem):
    """A file lacks columns its source's mapping requires, or has them blank in every row; nothing
    of it was loaded (the file is quarantined)."""


def load_file(con: duckdb.DuckDBPyConnection, source: SourceSettings, landed: LandedFile) -> LoadOutcome:
    """Land one file into raw.customer_rows / raw.quarantine / raw.loads, unless already loaded.

    A refused path is recorded and never opened. A file that cannot be read (FileProblem, a
    reader's ValueError, a CSV dialect DuckDB cannot follow), one with a missing required column,
    or one whose name holds an impossible date is rolled back and quarantined whole: the outcome is
    "quarantined" and the caller goes on. Its bytes are not read again until released.
    """
    if landed.refused:
        return _quarantine(con, landed, landed.problem, file_hash=None)
    file_hash = file_sha256(landed.path)
    previous = query_sql(con, "raw/select_load_by_hash", source=source.name, file_hash=file_hash).fetchall()
    if previous:
        load_id, _name, _date, rows_loaded, rows_quarantined = previous[0]
        return LoadOutcome(landed, load_id, "already_loaded", rows_loaded, rows_quarantined)
    if landed.problem:
        return _quarantine(con, landed, landed.problem, file_hash)
    held = blocking(con, source.name, file_hash)
    if held:
        return LoadOutcome(landed, "", "quarantined", 0, 0, problem=held[0], action=held[1])
    try:
        return _load(con, source, landed, file_hash)
    except UNREADABLE as exc:
        problem = exc if isinstance(exc, FileProblem) else FileProblem(f"{type(exc).__name__}: {exc}")
        return _quarantine(con, landed, problem, file_hash)


def _quarantine(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, problem: FileProblem, file_hash: str | None
) -> LoadOutcome:
    """Record the file in raw.quarantined_files and the audit log (no content: reason and path only)."""
    kind = "refused" if landed.refused else "unreadable"
    entry = QuarantinedFile(
        source=landed.source,
        file_name=landed.path.name,
        path=str(landed.path),
        snapshot_date=landed.snapshot_date,
        kind=kind,
        reason=str(problem),
        action=problem.action,
        file_hash=file_hash,
        file_bytes=None if landed.refused else landed.path.stat().st_size,
    )
    action = record(con, entry)
    log_event(
        con,
        "load",
        target=f"{landed.source}/{landed.path.name}",
        snapshot_date=landed.snapshot_date,
        details={"status": kind, "file_hash": file_hash, "reason": bounded(str(problem))},
    )
    status = "refused" if landed.refused else "quarantined"
    return LoadOutcome(landed, "", status, 0, 0, problem=bounded(str(problem)), action=action)


def _load(
    con: duckdb.DuckDBPyConnection, source: SourceSettings, landed: LandedFile, file_hash: str
) -> LoadOutcome:
    """Read the file into raw in one transaction (rolled back on any error)."""
    params = LoadParams(
        load_id=f"{source.name}-{landed.snapshot_date.isoformat()}-{file_hash[:16]}",
        source=source.name,
        file_name=landed.path.name,
        snapshot_date=landed.snapshot_date.isoformat(),
    )
    con.begin()
    try:
        result = (_READER.get() or read_to_raw)(con, landed.path, source, params)
        missing, extra, warnings = drift(result.columns, source) if result.columns else ([], [], [])
        lacking = required_problems(source, result.columns, missing) if result.columns else []
        if lacking:
            raise SchemaDriftError(
                bounded(
                    f"{landed.path}: required column(s) {lacking} missing (source {source.name!r} maps "
                    f"{source.source_columns}; the file has {result.columns}); nothing was loaded"
                ),
                f"re-export the file with column(s) {lacking}, or correct the source's primary_key / "
                "mapping / required_columns and run `dq quarantine release {key}`",
            )
        has_rows = bool(query_sql(con, "raw/select_load_has_rows", load_id=params.load_id).fetchall())
        if result.columns and has_rows:  # all lines quarantined: nothing is "blank in every row"
            warnings += blank_columns(con, source, result.columns, params.load_id)
        blank_required = [
            w.reference for w in warnings if w.kind == "all_null" and w.reference in source.required
        ]
        if blank_required:
            raise SchemaDriftError(
                f"{landed.path}: required column(s) {blank_required} are blank in every row of the file "
                f"(source {source.name!r}); nothing was loaded",
                f"re-export the file with values in {blank_required}, then land it again",
            )
        store_warnings(con, warnings, asdict(params))
        if result.columns:
            run_sql(con, "raw/quarantine_keyless_rows", key_pointer=json_pointer(source.primary_key),
                    key_column=source.primary_key, **asdict(params))  # fmt: skip
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
        with contextlib.suppress(duckdb.TransactionException):  # a failed commit has rolled back
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
