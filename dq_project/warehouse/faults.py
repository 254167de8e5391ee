"""What a failed command tells the user when the cause is the machine, not the data: a full disk (or
a file-size limit), or a damaged warehouse file. Both end as one message with what to do and a
non-zero exit, not a traceback (dq_project.cli.app.main, and `dq run` for a failed asset)."""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb

DISK_FULL_EXIT_CODE = 4
DAMAGED_EXIT_CODE = 5
_DISK_FULL = ("no space left on device", "file too large", "disk quota exceeded")
_DAMAGED = (
    "corrupt database file",
    "does not match stored checksum",
    "replaying wal",
    "not a valid duckdb database",
    "the file is not a valid",
)


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    return any(s in str(exc).lower() for s in _DISK_FULL)  # DuckDB's and Polars' own IO errors too


def is_damaged(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(s in str(exc).lower() for s in _DAMAGED)


def explain_text(text: str, home: Path) -> tuple[str, int] | None:
    """The message and exit code for an error text (a failed Dagster step gives only its text)."""
    lowered = text.lower()
    if any(s in lowered for s in _DISK_FULL):
        return (
            f"the disk holding {home} is full (or a file-size limit was hit): {first_line(text)}\n"
            "what was committed before stays (a load is all or nothing); free space, check with "
            "`dq doctor`, then run the same command again (a file already loaded is skipped)",
            DISK_FULL_EXIT_CODE,
        )
    if any(s in lowered for s in _DAMAGED):
        return (
            f"the warehouse under {home} is damaged: {first_line(text)}\n"
            "run `dq doctor` for details, then bring back the latest backup with `dq restore "
            f"{home / 'backups'}/<timestamp>` (erasures made since are re-applied)",
            DAMAGED_EXIT_CODE,
        )
    return None


def explain(exc: BaseException, home: Path) -> tuple[str, int] | None:
    """The message and exit code for `exc` or an exception it was raised from (a failed rollback
    after a failed commit hides the disk-full error in its context)."""
    seen: BaseException | None = exc
    while seen is not None:
        if is_disk_full(seen) or is_damaged(seen):
            return explain_text(f"{type(seen).__name__}: {seen}", home)
        seen = seen.__cause__ or seen.__context__
    return None


def first_line(text: str) -> str:
    return text.strip().splitlines()[0][:300] if text.strip() else ""
