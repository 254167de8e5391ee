"""One pipeline run at a time per data home.

DuckDB's file lock is per connection, and every asset opens its own, so two runs started together
would otherwise interleave asset by asset: harmless for one date, wrong for two dates (golden IDs
carry over from the previous date). The run lock is an OS file lock (py-filelock) on
`<home>/run.lock`, held from the first asset to the last; `<home>/run.lock.json` says who holds it,
for the message the waiting run fails with.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from filelock import FileLock, Timeout


class RunLockBusyError(RuntimeError):
    """Another run of the same data home held the run lock for longer than the wait."""


def acquire_run_lock(home: Path, wait_seconds: float, run: str) -> FileLock:
    """Take the data home's run lock, waiting up to `wait_seconds`; `run` names this run."""
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(home / "run.lock", thread_local=False)  # a run may end on another thread
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout as exc:
        raise RunLockBusyError(
            f"another dq run holds the run lock of {home} ({_holder(home)}); waited {wait_seconds:.0f}s. "
            "Runs of one data home go one at a time: retry when it has finished."
        ) from exc
    holder = {"run": run, "pid": os.getpid(), "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    (home / "run.lock.json").write_text(json.dumps(holder), encoding="utf-8")
    return lock


def release_run_lock(home: Path, lock: FileLock) -> None:
    (home / "run.lock.json").unlink(missing_ok=True)
    lock.release()


def _holder(home: Path) -> str:
    try:
        holder = json.loads((home / "run.lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "holder unknown"
    return f"run {holder.get('run')}, process {holder.get('pid')}, since {holder.get('since')}"
