"""What a restore must not bring back: erased records, and the operation log as it was.

`dq restore` copies a backup's warehouse over the current one. The backup may predate erasures and
holds the operation log as it was then. So after the copy, and before anything else can open it:
1. the replaced warehouse's audit.log and tombstones are carried over (when it still opens; its
   erasure salt must be the backup's, else the backup belongs to another warehouse and is refused),
   and the tombstones of the erasure ledger (dq_project.governance.tombstones) are added;
2. every record whose key has a tombstone is erased again (dq_project.governance.erasure), and the file is
   rewritten so the erased values are not left in its free blocks;
3. the restore itself is logged (`restore`).
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dq_project.governance.audit_log import log_event
from dq_project.governance.encryption import WarehouseKeyError, attach
from dq_project.governance.erasure import erase_record
from dq_project.governance.rekey import compact_warehouse
from dq_project.governance.tombstones import load_ledger, write_ledger
from dq_project.settings import Settings
from dq_project.sources.mapping_spec import json_pointer
from dq_project.warehouse.resource import connect_warehouse, warehouse_key
from dq_project.warehouse.sql import query_sql, run_sql

REPLACED_SUFFIX = ".pre-restore"


class RestoreRefused(RuntimeError):
    """The backup cannot be restored safely over this warehouse; nothing was replaced."""


@dataclass(frozen=True)
class Reapplied:
    carried_over: bool  # the replaced warehouse opened and its log and tombstones were kept
    tombstones: int
    erased_again: list[str]  # source:record ids erased again (shown to the admin, never logged)


def replace_and_reapply(settings: Settings, warehouse_copy: Path, backup_path: Path) -> Reapplied:
    """Swap the backup's warehouse in, then re-apply erasures and log (module docstring)."""
    current = settings.warehouse_path
    replaced = current.with_name(current.name + REPLACED_SUFFIX)
    replaced.unlink(missing_ok=True)
    if current.exists():
        _checkpoint(settings)
        current.replace(replaced)
    current.with_name(current.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(warehouse_copy, current)
    try:
        outcome = _reapply(settings, replaced, backup_path)
    except BaseException:
        if replaced.exists():
            replaced.replace(current)  # put the warehouse back as it was
        raise
    replaced.unlink(missing_ok=True)
    return outcome


def _checkpoint(settings: Settings) -> None:
    """Fold the current warehouse's WAL into its file, so the file moved aside is complete (a damaged
    warehouse that does not open is moved aside as it is)."""
    with contextlib.suppress(duckdb.Error, WarehouseKeyError):
        con = connect_warehouse(settings, wait_seconds=0)
        try:
            con.execute("checkpoint")
        finally:
            con.close()


def _reapply(settings: Settings, replaced: Path, backup_path: Path) -> Reapplied:
    key = warehouse_key(settings)
    con = connect_warehouse(settings)
    try:
        carried = _carry_over(con, replaced, key)
        tombstones = load_ledger(con, settings)
        ids = [
            (source.name, record_id)
            for source in settings.sources
            for (record_id,) in query_sql(
                con,
                "raw/select_tombstoned_ids",
                source=source.name,
                key_pointer=json_pointer(source.primary_key),
            ).fetchall()
        ]
        for source_name, record_id in ids:
            erase_record(con, settings, source_name, record_id)
        write_ledger(con, settings)
        log_event(
            con,
            "restore",
            target=str(backup_path),
            details={"log_carried_over": carried, "tombstones": tombstones, "erased_again": len(ids)},
        )
        con.execute("checkpoint")
    finally:
        con.close()
    if ids:
        compact_warehouse(settings.warehouse_path, key)
    return Reapplied(carried, tombstones, [f"{s}:{r}" for s, r in ids])


def _carry_over(con: duckdb.DuckDBPyConnection, replaced: Path, key: str | None) -> bool:
    """Keep the replaced warehouse's log and tombstones; False when it does not open (damaged)."""
    if not replaced.exists():
        return False
    try:
        attach(con, replaced, key, "replaced", read_only=True)
    except (duckdb.Error, WarehouseKeyError):
        return False
    try:
        ((restored, previous),) = query_sql(con, "restore/select_salts").fetchall()
    except duckdb.Error:
        con.execute("detach replaced")
        return False
    try:
        if previous is not None and restored != previous:
            raise RestoreRefused(
                "the backup comes from another warehouse (its erasure salt differs), so the erasures "
                "made here could not be re-applied to it; restore it into a new data home instead"
            )
        con.begin()
        run_sql(con, "restore/carry_over")
        con.commit()
    except duckdb.Error:
        con.rollback()
        raise
    finally:
        con.execute("detach replaced")
    return True
