"""One run at a time per data home: the second waits for the run lock, or fails saying who holds it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from dq_project.resources import WarehouseResource
from dq_project.run_lock import RunLockBusyError, acquire_run_lock, release_run_lock
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT


def test_a_second_holder_waits_then_fails_naming_the_first(tmp_path: Path) -> None:
    first = acquire_run_lock(tmp_path, 1, run="run-A")
    with pytest.raises(RunLockBusyError, match=r"run run-A, process \d+") as caught:
        acquire_run_lock(tmp_path, 0.2, run="run-B")
    assert "waited 0s" in str(caught.value)
    release_run_lock(tmp_path, first)
    second = acquire_run_lock(tmp_path, 0.2, run="run-B")  # free again
    release_run_lock(tmp_path, second)
    assert not (tmp_path / "run.lock.json").exists()


def test_a_waiting_holder_gets_the_lock_when_the_first_releases(tmp_path: Path) -> None:
    first = acquire_run_lock(tmp_path, 1, run="run-A")
    threading.Timer(0.5, release_run_lock, (tmp_path, first)).start()
    started = time.monotonic()
    second = acquire_run_lock(tmp_path, 10, run="run-B")
    assert 0.3 < time.monotonic() - started < 10
    release_run_lock(tmp_path, second)


def test_a_run_fails_before_any_asset_while_another_run_holds_the_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    warehouse = WarehouseResource(
        config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home), run_lock_wait_seconds=0.5
    )
    held = acquire_run_lock(home, 1, run="a backfill")
    try:
        result = run_daily(warehouse, dt.date(2026, 1, 5), instance=dg.DagsterInstance.ephemeral())
    finally:
        release_run_lock(home, held)
    assert not result.success
    failures = [e for e in result.all_events if e.is_failure]
    assert failures and "another dq run holds the run lock" in str(failures[0].event_specific_data)
    assert not result.get_asset_materialization_events()
    assert not (home / "warehouse.duckdb").exists()
