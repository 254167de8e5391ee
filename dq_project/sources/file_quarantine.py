"""The quarantine of files: landed files dq could not read at all, or refused to read.

One bad file must not stop a day. A file that cannot be read (an undetectable encoding, a compressed
file under a text name, a missing key column, an unreadable workbook or sheet, an impossible date in
its name) is recorded in raw.quarantined_files with its SHA-256, a bounded reason and what to do,
and the rest of its date loads. The same bytes are not read again until released
(`dq quarantine release`); a corrected file (another SHA-256) loads normally. Paths refused at the
landing boundary (symlinks, paths resolving outside the landing folder) are recorded without ever
being opened, so no byte of them can reach an error text or a log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from dq_project.warehouse.sql import query_sql, run_sql

REASON_CHARS = 500  # a 10,000-column header once made a 617,761-character reason
SUMMARY_CHARS = 200  # a reason in a run summary or the audit report
# What could be PII in a reason (header names, file names): long digit runs, e-mail local parts.
_LONG_DIGITS = re.compile(r"\d{11,}")
_EMAIL_LOCAL = re.compile(r"([^\s@'\"\[,]){1}[^\s@'\"\[,]*@")
RETRY = (
    "fix the file and land it again (a corrected file, with another SHA-256, loads normally), or fix "
    "the source's config and run `dq quarantine release {key}` so the next run reads it again"
)


class FileProblem(ValueError):
    """A landed file that cannot be read as its source says; `action` tells the engineer what to do."""

    def __init__(self, reason: str, action: str = RETRY) -> None:
        super().__init__(reason)
        self.action = action


def bounded(text: str, limit: int = REASON_CHARS) -> str:
    """`text` cut to `limit` characters, saying how long it was (reasons and report samples)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text):,} characters, cut]"


def shown(text: str) -> str:
    """A reason as summaries and reports show it: masked (digit runs of 11+ keep their last 4,
    e-mail local parts their first character) and bounded to SUMMARY_CHARS."""
    text = _LONG_DIGITS.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)
    text = _EMAIL_LOCAL.sub(lambda m: m.group(1) + "***@", text)
    return bounded(text, SUMMARY_CHARS)


@dataclass(frozen=True)
class QuarantinedFile:
    """Where a file was quarantined from and why (what `record` stores)."""

    source: str
    file_name: str
    path: str
    snapshot_date: dt.date
    kind: str  # "unreadable" | "refused"
    reason: str
    action: str
    file_hash: str | None = None
    file_bytes: int | None = None


def record(con: duckdb.DuckDBPyConnection, entry: QuarantinedFile) -> str:
    """Store the entry; returns its action as stored (bounded, naming the hash prefix or name to release)."""
    key = entry.file_hash[:12] if entry.file_hash else entry.file_name
    action = bounded(entry.action.replace("{key}", key))
    run_sql(
        con,
        "raw/insert_quarantined_file",
        source=entry.source,
        file_name=entry.file_name,
        path=entry.path,
        file_hash=entry.file_hash,
        file_bytes=entry.file_bytes,
        snapshot_date=entry.snapshot_date.isoformat(),
        kind=entry.kind,
        reason=bounded(entry.reason),
        action=action,
    )
    return action


def blocking(con: duckdb.DuckDBPyConnection, source: str, file_hash: str) -> tuple[str, str] | None:
    """(reason, action) when this content of the source's file is quarantined and not released."""
    rows = query_sql(con, "raw/select_blocking_quarantine", source=source, file_hash=file_hash).fetchall()
    return rows[0] if rows else None


def issues_of_date(con: duckdb.DuckDBPyConnection, snapshot_date: dt.date, limit: int = 50) -> list[dict]:
    """The date's quarantined and refused files (unreleased), for the run summary and the report."""
    rel = query_sql(con, "raw/select_file_issues", snapshot_date=snapshot_date.isoformat(), limit=limit)
    return [row | {"reason": shown(row["reason"])} for row in rel.pl().to_dicts()]


def listing(
    con: duckdb.DuckDBPyConnection, snapshot_date: dt.date | None, include_released: bool, limit: int = 200
) -> list[dict]:
    """Quarantined files, newest first (`dq quarantine list`)."""
    rel = query_sql(
        con,
        "raw/select_quarantined_files",
        snapshot_date=snapshot_date.isoformat() if snapshot_date else None,
        include_released=include_released,
        limit=limit,
    )
    return rel.pl().to_dicts()


class ReleaseError(ValueError):
    """The key names no quarantined file, or several different files."""


def release(con: duckdb.DuckDBPyConnection, key: str, released_by: str) -> list[tuple[str, str, str | None]]:
    """Release the quarantined file named by `key` (file name, SHA-256 or a prefix of >= 8 characters).

    Returns the (source, file name, hash) released. A key matching several different contents is
    refused: releasing them all by accident would re-read files nobody looked at.
    """
    key = key.strip()
    found = query_sql(con, "raw/select_release_candidates", key=key).fetchall()
    if not found:
        raise ReleaseError(f"no unreleased quarantined file matches {key!r} (see `dq quarantine list`)")
    if len({(source, file_hash) for source, _name, file_hash in found}) > 1:
        names = sorted({f"{s}/{n} ({(h or 'refused')[:12]})" for s, n, h in found})
        raise ReleaseError(f"{key!r} matches several files: {names}; give a longer SHA-256 prefix")
    run_sql(con, "raw/release_quarantined_file", key=key, released_by=released_by)
    return found
