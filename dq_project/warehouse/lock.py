"""One pipeline run at a time per data home.

DuckDB's file lock is per connection, and every asset opens its own, so two runs started together
would otherwise interleave asset by asset: harmless for one date, wrong for two dates (golden IDs
carry over from the previous date). The run lock is an OS file lock (py-filelock) on
`<home>/run.lock`, held from the first asset to the last; `<home>/run.lock.json` says who holds it,
for the messages of a waiting run (when it starts waiting and when it gives up). A run killed with
kill -9 loses the OS lock with its process but leaves run.lock.json: the next run takes the lock
over and says so (and the pipeline logs a `lock_takeover` audit row).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout


class RunLockBusyError(RuntimeError):
    """Another run of the same data home held the run lock for longer than the wait."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def acquire_run_lock(
    home: Path, wait_seconds: float, run: str, notify: Callable[[str], None] = _stderr
) -> FileLock:
    """Take the data home's run lock, waiting up to `wait_seconds`; `run` names this run.

    Before waiting, `notify` is told who holds the lock. The OS lock dies with its process, but a
    killed run leaves run.lock.json behind: finding it with the lock free means the run it names
    died holding it, and `notify` is told the lock is taken over (see `stale_holder`)."""
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(home / "run.lock", thread_local=False)  # a run may end on another thread
    try:
        lock.acquire(timeout=0)
    except Timeout:
        notify(f"waiting up to {wait_seconds:.0f}s for the run lock of {home}: held by {_holder(home)}")
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout as exc:
            raise RunLockBusyError(
                f"another dq run holds the run lock of {home} ({_holder(home)}); waited "
                f"{wait_seconds:.0f}s. Runs of one data home go one at a time: retry when it has finished."
            ) from exc
    stale = stale_holder(home)
    if stale:
        notify(
            f"taking over the run lock of {home}: {stale} ended without releasing it (killed?); "
            "its run left no result, run that date again"
        )
    holder = {"run": run, "pid": os.getpid(), "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    (home / "run.lock.json").write_text(json.dumps(holder), encoding="utf-8")
    return lock


def stale_holder(home: Path) -> str | None:
    """Who a leftover run.lock.json names, when it is left by a dead run: call with the lock held."""
    if not (home / "run.lock.json").exists():
        return None
    return _holder(home)


def release_run_lock(home: Path, lock: FileLock) -> None:
    (home / "run.lock.json").unlink(missing_ok=True)
    lock.release()


def _holder(home: Path) -> str:
    try:
        holder = json.loads((home / "run.lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "holder unknown"
    return f"run {holder.get('run')}, process {holder.get('pid')}, since {holder.get('since')}"
