"""Run the whole asset graph for one snapshot date in this process (the `dq run` path and e2e tests)."""

from __future__ import annotations

import datetime as dt
import fcntl
from pathlib import Path

import dagster as dg

from dq_project.definitions import ALL_ASSETS
from dq_project.schedules import daily_pipeline
from dq_project.warehouse.resource import WarehouseResource

DAGSTER_YAML = """\
# Written by dq: the local Dagster instance of this data home.
# One run at a time: DuckDB allows a single writer per warehouse file.
# Every dq asset is in the pool dq_warehouse (dq_project.partitions): one at a time as well.
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def local_instance(dagster_home: Path) -> dg.DagsterInstance:
    """The persistent Dagster instance under the data home (so `dagster dev` shows CLI runs).

    Opened under a file lock: the first opening creates Dagster's SQLite storage, and two `dq run`
    processes starting at once on a new home raced there ("table runs already exists")."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    with (dagster_home / ".instance.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            config = dagster_home / "dagster.yaml"
            if not config.exists():
                config.write_text(DAGSTER_YAML, encoding="utf-8")
            instance = dg.DagsterInstance.from_config(str(dagster_home))
            instance.get_runs(limit=1)  # the run, event log and schedule storages exist from here on
            return instance
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_daily(
    warehouse: WarehouseResource,
    snapshot_date: dt.date,
    *,
    instance: dg.DagsterInstance | None = None,
    retrain: bool = False,
    full_recompute: bool = False,
    log_level: str = "INFO",
) -> dg.ExecuteInProcessResult:
    """Materialize every asset (and run every check) for the snapshot date's partition.

    Matching and golden records are incremental when they can be (dq_project.matching.snapshot,
    dq_project.golden.survivorship); `full_recompute` forces a full re-link (as `retrain` does)
    and a full golden rebuild."""
    run_config = {
        "ops": {
            "entity_resolution": {"config": {"retrain": retrain, "full_recompute": full_recompute}},
            "golden_customers": {"config": {"full_rebuild": full_recompute}},
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }
    # The same job the schedule and sensor launch, bound to this warehouse, so runs read alike in the UI.
    job = dg.Definitions(
        assets=ALL_ASSETS, jobs=[daily_pipeline], resources={"warehouse": warehouse}
    ).resolve_job_def(daily_pipeline.name)
    return job.execute_in_process(
        run_config=run_config,
        instance=instance or dg.DagsterInstance.ephemeral(),
        partition_key=snapshot_date.isoformat(),
        raise_on_error=False,
        tags={"dq/trigger": "cli"},
    )
