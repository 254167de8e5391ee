"""One pipeline run at a time per data home: dq's one guard for the single DuckDB writer.

DuckDB's file lock is per connection, and every asset opens its own, so two runs started together
would otherwise interleave asset by asset: harmless for one date, wrong for two dates (golden IDs
carry over from the previous date). The run lock is an OS file lock (py-filelock) on
`<home>/run.lock`, held from the first asset to the last; `<home>/run.lock.json` says who holds it,
for the messages of a waiting run (when it starts waiting, when it gets the lock, when it gives
up). A run killed with kill -9 loses the OS lock with its process but leaves run.lock.json: the
next run takes the lock over and says so (and the pipeline logs a `lock_takeover` audit row).

`dq run` / `dq backfill` hold it around the whole launch (`run_lock_held`): before opening the
Dagster instance, whose first opening creates its SQLite storage (which raced between processes),
so the waiting message is theirs and comes before anything else. Inside that block the lock is
re-entrant: the run's warehouse resource, which takes it for runs Dagster launches itself (the
UI, the schedule, `dagster asset backfill`), finds it held for it and goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class RunLockBusyError(RuntimeError):
    """Another run of the same data home held the run lock for longer than the wait."""


_HELD: dict[Path, list] = {}  # data home -> [its FileLock, re-entries] while `run_lock_held`
_HELD_GUARD = threading.Lock()


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def acquire_run_lock(
    home: Path, wait_seconds: float, run: str, notify: Callable[[str], None] = _stderr
) -> FileLock:
    """Take the data home's run lock, waiting up to `wait_seconds`; `run` names this run.

    Before waiting, `notify` is told who holds the lock. The OS lock dies with its process, but a
    killed run leaves run.lock.json behind: finding it with the lock free means the run it names
    died holding it, and `notify` is told the lock is taken over (see `stale_holder`). Inside a
    `run_lock_held` block of this process the lock is simply taken again."""
    home.mkdir(parents=True, exist_ok=True)
    with _HELD_GUARD:
        held = _HELD.get(home.resolve())
        if held is not None:
            held[1] += 1
            return held[0]
    lock = FileLock(home / "run.lock", thread_local=False)  # a run may end on another thread
    try:
        lock.acquire(timeout=0)
    except Timeout:
        notify(f"waiting up to {wait_seconds:.0f}s for the run lock of {home}: held by {_holder(home)}")
        started = time.monotonic()
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout as exc:
            raise RunLockBusyError(
                f"another dq run holds the run lock of {home} ({_holder(home)}); waited "
                f"{wait_seconds:.0f}s. Runs of one data home go one at a time: retry when it has finished."
            ) from exc
        notify(f"got the run lock of {home} after waiting {time.monotonic() - started:.0f}s")
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
    """Give the lock back (a re-entry inside `run_lock_held` leaves it to the block)."""
    with _HELD_GUARD:
        held = _HELD.get(home.resolve())
        if held is not None and held[0] is lock:
            held[1] -= 1
            return
    (home / "run.lock.json").unlink(missing_ok=True)
    lock.release()


@contextmanager
def run_lock_held(
    home: Path, wait_seconds: float, run: str, notify: Callable[[str], None] = _stderr
) -> Iterator[FileLock]:
    """Hold the run lock for the block (a CLI launch); taking it inside the block re-enters."""
    lock = acquire_run_lock(home, wait_seconds, run, notify)
    key = home.resolve()
    with _HELD_GUARD:
        _HELD[key] = [lock, 0]
    try:
        yield lock
    finally:
        with _HELD_GUARD:
            del _HELD[key]
        release_run_lock(home, lock)


def _holder(home: Path) -> str:
    try:
        holder = json.loads((home / "run.lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "holder unknown"
    return f"run {holder.get('run')}, process {holder.get('pid')}, since {holder.get('since')}"
