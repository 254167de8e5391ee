"""Key rotation: copy the warehouse into a new file under a new key, verify it, swap it in atomically.

The same path encrypts a plain warehouse (no old key) and decrypts one (no new key). The old file
stays in place, untouched, until the new one has been read back with the new key and every table
matches (row count and content hash); a failure at any step leaves the warehouse as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dq_project.governance.encryption import attach, quote_identifier, table_fingerprints
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql

STAGED_SUFFIX = ".rekey"
OLD_SUFFIX = ".pre-rekey"


class RekeyError(RuntimeError):
    """The warehouse could not be re-encrypted; it was left as it was."""


@dataclass(frozen=True)
class Rekeyed:
    path: Path
    tables: int
    rows: int
    old_copy: Path | None  # the previous file, when asked to keep it


def rekey_warehouse(
    path: Path, old_key: str | None, new_key: str | None, *, keep_old: bool = False
) -> Rekeyed:
    """Re-encrypt the warehouse file at `path` from `old_key` to `new_key` (None: plain)."""
    if old_key == new_key:
        raise RekeyError("the new key is the current one: nothing to do")
    return rewrite_warehouse(path, old_key, new_key, keep_old=keep_old)


def compact_warehouse(path: Path, key: str | None) -> Rekeyed:
    """Rewrite the warehouse into a fresh file under the same key: deleted rows linger in DuckDB's
    free blocks (readable with `strings` in a plain file) until the file is rewritten, so an erasure
    ends with this (a CHECKPOINT or VACUUM reuses free blocks but does not clear them)."""
    return rewrite_warehouse(path, key, key)


def rewrite_warehouse(
    path: Path, old_key: str | None, new_key: str | None, *, keep_old: bool = False
) -> Rekeyed:
    """Copy every table into a new file under `new_key`, check it, swap it in (module docstring)."""
    if not path.is_file():
        raise RekeyError(f"no warehouse at {path}")
    staged = path.with_name(path.name + STAGED_SUFFIX)
    _remove(staged)
    # The old file stays open read-write until it is replaced, so no run writes to it meanwhile.
    con = open_warehouse(path, key=old_key)
    try:
        ((catalog,),) = query_sql(con, "warehouse/select_current_database").fetchall()
        attach(con, staged, new_key, "rekeyed")
        con.execute(f"copy from database {quote_identifier(catalog)} to rekeyed")
        con.execute("detach rekeyed")
        expected = table_fingerprints(con, catalog)
        _check_copy(staged, new_key, expected)
        con.execute("checkpoint")  # no WAL may be left beside the file that is replaced
        unchanged = _stat(path)
    except BaseException:
        con.close()
        _remove(staged)
        raise
    con.close()
    old_copy = _swap(path, staged, unchanged)
    try:
        _check_copy(path, new_key, expected)
    except BaseException:
        os.replace(old_copy, path)
        raise
    if not keep_old:
        old_copy.unlink()
    rows = sum(count for count, _ in expected.values())
    return Rekeyed(path, len(expected), rows, old_copy if keep_old else None)


def _check_copy(path: Path, key: str | None, expected: dict[str, tuple[int, int]]) -> None:
    """Read the file back with `key` and compare every table with the original."""
    con = duckdb.connect()
    try:
        attach(con, path, key, "copy", read_only=True)
        found = table_fingerprints(con, "copy")
    finally:
        con.close()
    differing = sorted(
        name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name)
    )
    if differing:
        raise RekeyError(f"the re-encrypted copy {path} differs from the warehouse in {differing}")


def _swap(path: Path, staged: Path, unchanged: tuple[int, int]) -> Path:
    """Replace `path` by `staged` in one rename, keeping the old file as <name>.pre-rekey."""
    old_copy = path.with_name(path.name + OLD_SUFFIX)
    _remove(old_copy)
    os.link(path, old_copy)
    wal = path.with_name(path.name + ".wal")
    if _stat(path) != unchanged or wal.exists():
        old_copy.unlink()
        _remove(staged)
        raise RekeyError(f"{path} changed while it was being re-encrypted; nothing was replaced, try again")
    os.replace(staged, path)
    return old_copy


def _stat(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
