"""Consistent, versioned backups of a data home: the warehouse, the config and the Splink models.

A backup holds the warehouse's write lock while it checkpoints and copies the file, so no run can
change it half-way; a manifest records what was copied with SHA-256 digests, and restore checks them
before it replaces anything. An encrypted warehouse is copied as it is on disk, so the backup stays
encrypted with the key in force when it was taken; restore first checks that the current key opens it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dq_project.governance.audit_log import log_event
from dq_project.governance.encryption import WarehouseKeyError, connect_file, table_fingerprints
from dq_project.governance.restore import Reapplied, RestoreRefused, replace_and_reapply
from dq_project.settings import Settings
from dq_project.sources.ingest import file_sha256
from dq_project.warehouse.faults import is_disk_full
from dq_project.warehouse.resource import connect_warehouse, open_warehouse, warehouse_key
from dq_project.warehouse.sql import query_sql

MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class Backup:
    path: Path
    files: dict[str, str]  # relative path -> sha256


def create_backup(settings: Settings, config_file: Path, out_dir: Path | None = None) -> Backup:
    """Copy warehouse, config and models into <home>/backups/<UTC timestamp>/ (or out_dir)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = out_dir or settings.home / "backups" / stamp
    target.mkdir(parents=True, exist_ok=False)
    try:
        return _write_backup(settings, config_file, target, stamp)
    except BaseException as exc:
        shutil.rmtree(target, ignore_errors=True)  # never leave a half-written backup that looks whole
        if isinstance(exc, OSError | duckdb.Error) and is_disk_full(exc):
            raise BackupError(
                f"the backup could not be written to {target} ({exc}): the disk is full; the partial "
                "backup was removed and the warehouse is unchanged. Free space or pass --out elsewhere"
            ) from exc
        raise


def check_integrity(con: duckdb.DuckDBPyConnection) -> None:
    """Read every row of every table: DuckDB checks each block's checksum as it reads it, so damage
    anywhere in the file fails here (a query touching only some tables can pass a damaged file)."""
    ((catalog,),) = query_sql(con, "warehouse/select_current_database").fetchall()
    table_fingerprints(con, catalog)


def _write_backup(settings: Settings, config_file: Path, target: Path, stamp: str) -> Backup:
    con = connect_warehouse(settings)  # holds the lock: nobody writes while we copy
    try:
        try:
            check_integrity(con)
        except duckdb.Error as exc:
            raise BackupError(
                f"the warehouse {settings.warehouse_path} fails its integrity check ({exc}); not backed "
                "up, so no damaged copy replaces a good one. See `dq doctor`; restore the latest good "
                "backup with `dq restore`"
            ) from exc
        log_event(con, "backup", target=str(target))
        con.execute("checkpoint")
        shutil.copyfile(settings.warehouse_path, target / settings.warehouse_path.name)
    finally:
        con.close()
    shutil.copyfile(config_file, target / "dq.toml")
    if settings.models_dir.is_dir():
        shutil.copytree(settings.models_dir, target / "models")
    files = {
        p.relative_to(target).as_posix(): file_sha256(p) for p in sorted(target.rglob("*")) if p.is_file()
    }
    manifest = {
        "created_at": stamp,
        "duckdb": duckdb.__version__,
        "encrypted": settings.warehouse.encrypted,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return Backup(target, files)


def verify_backup(path: Path) -> Backup:
    """The backup's manifest, after checking every file against its digest."""
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{path} is not a dq backup (no {MANIFEST})")
    files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    for name, digest in files.items():
        if not (path / name).is_file() or file_sha256(path / name) != digest:
            raise BackupError(f"{path / name} is missing or does not match the manifest")
    return Backup(path, files)


def restore_backup(settings: Settings, path: Path) -> tuple[Backup, Reapplied]:
    """Replace the warehouse and models with the backup's (after verifying it), then re-apply every
    erasure and keep the operation log (dq_project.governance.restore); config is left alone."""
    backup = verify_backup(path)
    warehouse_copy = path / settings.warehouse_path.name
    if not warehouse_copy.is_file():
        raise BackupError(f"{path} holds no {settings.warehouse_path.name}")
    try:
        connect_file(warehouse_copy, warehouse_key(settings), read_only=True).close()
    except (WarehouseKeyError, duckdb.Error) as exc:
        raise BackupError(
            f"the backup's warehouse does not open with the current settings ({exc}); a backup keeps "
            "the encryption key in force when it was taken"
        ) from exc
    _fail_if_in_use(settings.warehouse_path)
    try:
        reapplied = replace_and_reapply(settings, warehouse_copy, path)
    except RestoreRefused as exc:
        raise BackupError(str(exc)) from exc
    if (path / "models").is_dir():
        shutil.rmtree(settings.models_dir, ignore_errors=True)
        shutil.copytree(path / "models", settings.models_dir)
    return backup, reapplied


def _fail_if_in_use(warehouse: Path) -> None:
    """Raise WarehouseBusyError while another process holds the file; its key is not needed for this,
    since DuckDB takes the lock before it reads the header (a damaged file is no obstacle either)."""
    if not warehouse.exists():
        return
    with contextlib.suppress(WarehouseKeyError, duckdb.Error):
        open_warehouse(warehouse, read_only=True).close()
