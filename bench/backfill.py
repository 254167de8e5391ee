"""Backfill benchmark: a bulk import of daily files through `dq backfill`, end to end.

python -m bench backfill --dates 365 --rows 1000000    (a year of daily files, 1M records in all)
python -m bench backfill --dates 30 --rows 60000       (a month, ~2,000 records a date)

Lands `--dates` daily snapshots from the generator (seed = the date's index, so each date brings
other records, some with keys seen before: updates) under a fresh data home, then times
`dq backfill --from <first> --to <last>` as a user runs it, in its own process (start-up included).
Prints the total, the cost per date, the Dagster runs it made and their steps, and checks that
every date got its golden records. Generating the files is not timed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from dq_generator import generate

from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.warehouse.resource import connect_warehouse

FIRST_DAY = dt.date(2025, 1, 1)
CONFIG = PROJECT_ROOT / "dq.toml"


def land(home: Path, dates: int, rows: int) -> list[dt.date]:
    """`rows` records spread evenly over `dates` daily snapshots in the home's landing folder."""
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(dates)]
    per_date, extra = divmod(rows, dates)
    for index, day in enumerate(days):
        generate(max(per_date + (index < extra), 10), index + 1, home / "landing", day)
    return days


def _step_table(dagster_home: Path) -> list[str]:
    """The runs the backfill made under the home's Dagster instance, and their steps' times."""
    lines = []
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs()
        for run in reversed(runs):
            stats = instance.get_run_step_stats(run.run_id)
            partitions = run.tags.get("dagster/partition") or (
                f"{run.tags.get('dagster/asset_partition_range_start')}.."
                f"{run.tags.get('dagster/asset_partition_range_end')}"
            )
            events = len(instance.all_logs(run.run_id))
            lines.append(f"  run {run.run_id[:8]} {run.status.value:<8} {partitions}  {events} events")
            for step in stats:
                lines.append(f"    step {step.step_key:<24} {step.end_time - step.start_time:8.1f}s")
    return lines


def main(dates: int, rows: int, workdir: Path) -> None:
    home = workdir / "home"
    started = time.perf_counter()
    days = land(home, dates, rows)
    print(f"backfill  dates={dates}  rows={rows:,} (~{rows // dates:,} a date)  "
          f"generated in {time.perf_counter() - started:.0f}s (not timed)")  # fmt: skip
    dq = Path(sys.executable).with_name("dq")
    command = [str(dq), "backfill", "--from", days[0].isoformat(), "--to", days[-1].isoformat(),
               "--config", str(CONFIG), "--home", str(home)]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "DQ_USER": "bench"})
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"dq backfill failed with exit code {done.returncode}")
    settings = load_settings(CONFIG, home=home, env={})
    con = connect_warehouse(settings, read_only=True)
    try:
        ((golden_dates, golden_latest),) = con.sql(
            "select count(distinct as_of_date), count(*) filter (where as_of_date = (select max(as_of_date) "
            "from golden.customers)) from golden.customers"
        ).fetchall()
        ((staged,),) = con.sql("select count(*) from staging.customers").fetchall()
    finally:
        con.close()
    print(f"  dq backfill: {elapsed:.1f}s in all, {elapsed / dates:.2f}s per date "
          f"(process start-up included); load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"  staged rows {staged:,}; dates with golden records {golden_dates} of {dates}; "
          f"golden records on the last date {golden_latest:,}")  # fmt: skip
    for line in _step_table(settings.dagster_home):
        print(line)
    if golden_dates != dates:
        raise SystemExit(f"only {golden_dates} of {dates} dates have golden records")
