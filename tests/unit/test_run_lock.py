"""One run at a time per data home: the second waits for the run lock, or fails saying who holds it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.lock import RunLockBusyError, acquire_run_lock, release_run_lock, run_lock_held
from dq_project.warehouse.resource import WarehouseResource


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


def test_a_waiting_run_says_who_holds_the_lock(tmp_path: Path) -> None:
    first = acquire_run_lock(tmp_path, 1, run="run-A")
    told: list[str] = []
    with pytest.raises(RunLockBusyError):
        acquire_run_lock(tmp_path, 0.2, run="run-B", notify=told.append)
    release_run_lock(tmp_path, first)
    assert len(told) == 1 and told[0].startswith("waiting up to 0s for the run lock")
    assert f"run run-A, process {os.getpid()}" in told[0]


def test_a_lock_left_by_a_killed_run_is_taken_over_with_a_message(tmp_path: Path) -> None:
    """kill -9 of the holder: its OS lock goes with it, its run.lock.json stays; the next run takes
    the lock at once and says whose it was."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; "
         "from dq_project.warehouse.lock import acquire_run_lock; "
         "acquire_run_lock(Path(sys.argv[1]), 5, run='run-K'); print('held', flush=True); time.sleep(60)",
         str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / "run.lock.json").exists()
    told: list[str] = []
    lock = acquire_run_lock(tmp_path, 1, run="run-B", notify=told.append)
    release_run_lock(tmp_path, lock)
    assert len(told) == 1 and told[0].startswith("taking over the run lock")
    assert f"run run-K, process {holder.pid}" in told[0]


def test_a_pipeline_run_logs_the_takeover(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "run.lock.json").write_text('{"run": "run-K", "pid": 999999, "since": "x"}', encoding="utf-8")
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    # a real run (dagster_run is set only inside one), of one asset that uses the warehouse
    result = dg.materialize(
        [_probe], resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    rows = con.sql("select action, details from audit.log").fetchall()
    con.close()
    assert [a for a, _ in rows] == ["lock_takeover"] and "run-K" in rows[0][1]
    assert not (home / "run.lock.json").exists()


@dg.asset
def _probe(warehouse: WarehouseResource) -> None:
    """An asset that only needs the warehouse resource (so its run takes the run lock)."""


def test_a_waiting_holder_is_told_who_holds_the_lock_and_when_it_gets_it(tmp_path: Path) -> None:
    first = acquire_run_lock(tmp_path, 1, run="run-A")
    threading.Timer(0.5, release_run_lock, (tmp_path, first)).start()
    told: list[str] = []
    second = acquire_run_lock(tmp_path, 10, run="run-B", notify=told.append)
    release_run_lock(tmp_path, second)
    assert len(told) == 2, told
    assert re.match(rf"waiting up to 10s for the run lock of .*: held by run run-A, process {os.getpid()}, "
                    r"since \d{4}-\d\d-\d\dT", told[0])  # fmt: skip
    assert told[1].startswith("got the run lock of") and "after waiting" in told[1]


def test_inside_a_held_block_the_run_lock_re_enters_and_stays_held(tmp_path: Path) -> None:
    """The CLI holds the lock around a launch; the run's warehouse resource takes it again inside."""
    script = (
        "import sys; from pathlib import Path; from dq_project.warehouse.lock import acquire_run_lock; "
        "acquire_run_lock(Path(sys.argv[1]), 0.2, run='other', notify=lambda m: None)"
    )
    other = [sys.executable, "-c", script, str(tmp_path)]
    with run_lock_held(tmp_path, 1, run="dq 2026-01-05"):
        inner = acquire_run_lock(tmp_path, 0, run="the run's resource")  # at once, no waiting
        release_run_lock(tmp_path, inner)
        holder = json.loads((tmp_path / "run.lock.json").read_text(encoding="utf-8"))
        assert holder["run"] == "dq 2026-01-05"  # still the launcher's
        blocked = subprocess.run(other, capture_output=True, text=True, timeout=60)
        assert blocked.returncode != 0 and "RunLockBusyError" in blocked.stderr
    assert not (tmp_path / "run.lock.json").exists()
    assert subprocess.run(other, capture_output=True, timeout=60).returncode == 0  # released
