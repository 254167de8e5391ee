"""The landing folder as a boundary: which files are claimed, for which snapshot date, and which are
refused before any byte of them is read.

A file's snapshot date comes from its name, a date column, or the day it landed (per source). A
symlink, or a path resolving outside its source's landing folder, is refused: it is never opened
(a link to a system file once put its first line into an error and the Dagster log). A date in a
file name that is not a calendar date (2026-02-30) or is implausible (9999-12-31, before 1900, more
than a year after the file landed) marks the file as unreadable rather than picking a partition.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dq_project.settings import Settings, SettingsError, SourceSettings
from dq_project.sources.file_quarantine import FileProblem

EARLIEST_NAME_DATE = dt.date(1900, 1, 1)
NAME_DATE_LEAD = dt.timedelta(days=366)  # a file named for a date this far after it landed is wrong
RENAME = (
    "rename the file with its real snapshot date (YYYY-MM-DD), or land it with "
    "`dq ingest --source S --date YYYY-MM-DD FILE` (--date wins over the name)"
)
REFUSED = (
    "dq reads only regular files inside the source's landing folder: copy the real file there "
    "(`dq ingest` does), then remove the link"
)


@dataclass(frozen=True)
class LandedFile:
    source: str
    path: Path
    snapshot_date: dt.date
    problem: FileProblem | None = None  # set: quarantined without reading (kind from `refused`)
    refused: bool = False  # a symlink or a path outside landing: never opened, never hashed


def _landed_on(path: Path) -> dt.date:
    return dt.datetime.fromtimestamp(path.lstat().st_mtime, tz=dt.UTC).date()


def name_date(path: Path, source: SourceSettings) -> tuple[dt.date | None, FileProblem | None]:
    """The date in the file name (None when it has none), or the problem with that date."""
    match = re.search(source.snapshot_date_regex, path.name)
    if not match:
        return None, None
    text = match.group(1)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, FileProblem(f"the date {text!r} in the file name is not a calendar date", RENAME)
    if day < EARLIEST_NAME_DATE or day > _landed_on(path) + NAME_DATE_LEAD:
        return None, FileProblem(
            f"the date {text} in the file name is implausible (before {EARLIEST_NAME_DATE} or more than "
            f"{NAME_DATE_LEAD.days} days after the file landed on {_landed_on(path)})",
            RENAME,
        )
    return day, None


def snapshot_date_of(path: Path, source: SourceSettings) -> dt.date:
    """The file's snapshot date, found as the source says (file name, a column, or the load date).

    A file name without a date, or a column without any parseable date, falls back to the date the
    file landed (its modification time, UTC); so does a name with an impossible date (see `claim`).
    """
    if source.snapshot_date_from == "filename":
        day, _problem = name_date(path, source)
        if day:
            return day
    elif source.snapshot_date_from == "column":
        return latest_date_in_column(path, source) or _landed_on(path)
    return _landed_on(path)


def latest_date_in_column(path: Path, source: SourceSettings) -> dt.date | None:
    """The latest ISO date (or date-time) in the source's snapshot_date_column of a CSV file."""
    if source.format != "csv" or path.stat().st_size == 0:
        raise SettingsError(f"{source.name}: snapshot_date_from = 'column' is supported for CSV files only")
    column = pl.col(source.snapshot_date_column).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    frame = pl.scan_csv(
        path, infer_schema=False, separator=source.delimiter, quote_char=source.quote, encoding="utf8-lossy"
    )
    return frame.select(column.max()).collect().item()


def refusal(path: Path, folder: Path) -> str | None:
    """Why `path` may not be read (a symlink; resolving outside `folder`), or None. Uses lstat and
    path resolution only: the file is not opened."""
    if path.is_symlink():
        return f"refused: {path.name} is a symbolic link (links are never followed out of landing)"
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (ValueError, OSError):
        return f"refused: {path.name} resolves outside the landing folder {folder}"
    return None


def claim(path: Path, folder: Path, source: SourceSettings) -> LandedFile | None:
    """The landed file `path` of `source` (None when it is not a regular file dq should look at)."""
    why = refusal(path, folder)
    if why:
        day, _problem = name_date(path, source)
        return LandedFile(source.name, path, day or _landed_on(path), FileProblem(why, REFUSED), refused=True)
    if not path.is_file():
        return None
    if source.snapshot_date_from == "filename":
        day, problem = name_date(path, source)
        if problem:
            return LandedFile(source.name, path, _landed_on(path), problem)
    try:
        return LandedFile(source.name, path, snapshot_date_of(path, source))
    except (pl.exceptions.PolarsError, OSError, UnicodeError) as exc:  # a date column that cannot be read
        why = f"{path.name}: the snapshot date column could not be read ({type(exc).__name__})"
        return LandedFile(source.name, path, _landed_on(path), FileProblem(why))


def discover(settings: Settings) -> list[LandedFile]:
    """Every file in the landing folder that some source's pattern claims (refused ones included,
    flagged), sorted."""
    found = []
    for source in settings.sources:
        folder = settings.source_landing(source)
        for path in sorted(folder.glob(source.pattern)) if folder.is_dir() else []:
            if path.name.startswith("."):
                continue
            landed = claim(path, folder, source)
            if landed is not None:
                found.append(landed)
    return found


def files_for_partition(settings: Settings, snapshot_date: dt.date) -> list[LandedFile]:
    return [f for f in discover(settings) if f.snapshot_date == snapshot_date]


def land(settings: Settings, source: SourceSettings, path: Path, snapshot_date: dt.date | None) -> LandedFile:
    """Copy a file into the source's landing folder so discovery puts it in the right partition.

    With an explicit date, `--date` wins: a file-name-dated source gets that date in the landed name
    (replacing a date already in the name, which used to win silently), and a load-date source gets
    it as the file's modification time.
    """
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    folder = settings.source_landing(source)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if snapshot_date is not None and source.snapshot_date_from == "filename":
        match = re.search(source.snapshot_date_regex, path.name)
        if match:
            start, end = match.span(1)
            target = folder / f"{path.name[:start]}{snapshot_date.isoformat()}{path.name[end:]}"
        else:
            target = folder / f"{path.stem}_{snapshot_date.isoformat()}{path.suffix}"
    shutil.copyfile(path, target)
    if snapshot_date is not None and source.snapshot_date_from == "load_date":
        noon = dt.datetime.combine(snapshot_date, dt.time(12), tzinfo=dt.UTC).timestamp()
        os.utime(target, (noon, noon))
    return claim(target, folder, source) or LandedFile(source.name, target, snapshot_date_of(target, source))
