"""`dq doctor`: is this data home fit to run, and if not, what to do.

Checks, in order: the warehouse opens (key, lock, a WAL that replays); every block of it reads back
(DuckDB verifies each block's checksum on read, so every row of every table is read: damage that a
query of one table passes shows here); the run lock (a run in progress, or a lock left by a killed
run); the Splink models (present and readable once records have been linked); the landing folders
(readable). Each finding says what to do. Read-only: it changes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from dq_project.governance.backup import check_integrity
from dq_project.governance.encryption import WarehouseKeyError
from dq_project.settings import Settings
from dq_project.warehouse.lock import stale_holder
from dq_project.warehouse.resource import WarehouseBusyError, connect_warehouse
from dq_project.warehouse.sql import query_sql


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    message: str
    todo: str = ""


def latest_backup(settings: Settings) -> Path | None:
    found = sorted((settings.home / "backups").glob("*/manifest.json"))
    return found[-1].parent if found else None


def _restore_hint(settings: Settings) -> str:
    backup = latest_backup(settings)
    where = str(backup) if backup else "<a backup folder>"
    return f"restore the latest good backup: `dq restore {where}` (erasures made since are re-applied)"


def diagnose(settings: Settings) -> list[Finding]:
    findings = _warehouse(settings)
    findings.append(_run_lock(settings.home))
    findings.append(_landing(settings))
    return findings


def _warehouse(settings: Settings) -> list[Finding]:
    path = settings.warehouse_path
    if not path.exists():
        return [Finding("warehouse", True, f"no warehouse at {path} yet", "`dq run` creates it")]
    try:
        con = connect_warehouse(settings, read_only=True, wait_seconds=5)
    except WarehouseBusyError as exc:
        return [Finding("warehouse", False, str(exc), "wait for the run to finish, then check again")]
    except WarehouseKeyError as exc:
        return [Finding("warehouse", False, str(exc), "set the key the warehouse was encrypted with")]
    except duckdb.Error as exc:
        return [Finding("warehouse", False, f"{path} does not open: {exc}", _restore_hint(settings))]
    try:
        findings = [Finding("warehouse", True, f"{path} opens")]
        try:
            check_integrity(con)
            findings.append(Finding("integrity", True, "every table reads back, every block checksum holds"))
        except duckdb.Error as exc:
            findings.append(Finding("integrity", False, f"damaged: {exc}", _restore_hint(settings)))
        findings.append(_models(settings, con))
    finally:
        con.close()
    return findings


def _models(settings: Settings, con: duckdb.DuckDBPyConnection) -> Finding:
    try:
        ((linked,),) = query_sql(con, "warehouse/select_linked_records").fetchall()
    except duckdb.Error:
        linked = 0
    models = sorted(settings.models_dir.glob("splink_*.json"))
    unreadable = []
    for model in models:
        try:
            json.loads(model.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            unreadable.append(model.name)
    if unreadable:
        todo = "restore the models from a backup, or `dq model train` (golden IDs may shift)"
        return Finding("models", False, f"unreadable model file(s): {unreadable}", todo)
    if linked and not models:
        todo = "restore the models from the latest backup; else the next run retrains them"
        message = f"{linked:,} records are linked but {settings.models_dir} holds no model"
        return Finding("models", False, message, todo)
    return Finding("models", True, f"{len(models)} model(s) in {settings.models_dir}")


def _run_lock(home: Path) -> Finding:
    lock = FileLock(home / "run.lock", thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return Finding("run lock", True, "a run is in progress (the lock is held)", "wait for it to finish")
    try:
        stale = stale_holder(home)
    finally:
        lock.release()
    if stale:
        return Finding("run lock", False, f"left by {stale}, which ended without releasing it (killed?)",
                       "run that date again: the next run takes the lock over")  # fmt: skip
    return Finding("run lock", True, "free")


def _landing(settings: Settings) -> Finding:
    unreadable = [
        str(p)
        for source in settings.sources
        for p in [settings.source_landing(source), *settings.source_landing(source).glob("*")]
        if p.exists() and not os.access(p, os.R_OK | (os.X_OK if p.is_dir() else 0))
    ]
    if unreadable:
        return Finding("landing", False, f"not readable: {unreadable[:5]}",
                       "give the dq user read access to the landing folders and files")  # fmt: skip
    return Finding("landing", True, f"{settings.landing_dir} readable")
