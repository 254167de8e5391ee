"""Launch the pipeline job of the one Definitions (dq_project.definitions) for a date or a range of
dates in this process: the `dq run` / `dq backfill` path, the e2e tests and the benchmarks.

A CLI run is the same job the UI, the schedule and the sensor launch (`daily_pipeline` of `defs`,
with its tags); only the resource configuration differs, and it is passed as run config, as the
UI's launchpad would, rather than by building a second Definitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import dagster as dg

from dq_project.schedules import daily_pipeline
from dq_project.warehouse.lock import acquire_run_lock, release_run_lock
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
INSTANCE_READY = ".dq-instance-ready"
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def local_instance(dagster_home: Path, *, lock_home: Path | None = None) -> dg.DagsterInstance:
    """The persistent Dagster instance under the data home (so `dagster dev` shows CLI runs).

    The first opening creates Dagster's SQLite storage, and two processes doing that at once raced
    ("table runs already exists"): it happens under the data home's run lock (`lock_home`, default
    the parent of `dagster_home`; re-entrant, so a CLI run that holds it already just goes on).
    Once the storage exists, a marker file lets later openings skip the lock."""
    if (dagster_home / INSTANCE_READY).exists():
        return dg.DagsterInstance.from_config(str(dagster_home))
    home = lock_home or dagster_home.parent
    lock = acquire_run_lock(home, 600, run="creating the Dagster instance")
    try:
        dagster_home.mkdir(parents=True, exist_ok=True)
        config = dagster_home / "dagster.yaml"
        if not config.exists():
            config.write_text(DAGSTER_YAML, encoding="utf-8")
        instance = dg.DagsterInstance.from_config(str(dagster_home))
        instance.get_runs(limit=1)  # the run, event log and schedule storages exist from here on
        (dagster_home / INSTANCE_READY).touch()
        return instance
    finally:
        release_run_lock(home, lock)


@cache
def pipeline_job() -> dg.JobDefinition:
    """`daily_pipeline` as resolved from the one Definitions, once per process."""
    from dq_project.definitions import defs

    return defs.get_job_def(daily_pipeline.name)


def run_config(
    warehouse: WarehouseResource | None,
    *,
    retrain: bool = False,
    full_recompute: bool = False,
    log_level: str = "INFO",
) -> dict:
    """The run config of a dq run: the warehouse resource's fields (which data home and config),
    the matching and golden options, and the console log level."""
    config: dict = {
        "ops": {
            "entity_resolution": {"config": {"retrain": retrain, "full_recompute": full_recompute}},
            "golden_customers": {"config": {"full_rebuild": full_recompute}},
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }
    if warehouse is not None:
        fields = {k: v for k, v in warehouse.model_dump().items() if v is not None}
        config["resources"] = {"warehouse": {"config": fields}}
    return config


def run_dates(
    warehouse: WarehouseResource | None,
    first: dt.date,
    last: dt.date | None = None,
    *,
    instance: dg.DagsterInstance | None = None,
    retrain: bool = False,
    full_recompute: bool = False,
    log_level: str = "INFO",
    tags: dict[str, str] | None = None,
    asset_selection: Sequence[dg.AssetKey] | None = None,
) -> dg.ExecuteInProcessResult:
    """One run of the pipeline job over the snapshot dates first..last (one date when `last` is
    None or equal): a single-partition run, or a partition-range run as a Dagster backfill with
    `BackfillPolicy.single_run()` launches it. Every asset handles the dates in date order.

    `retrain` / `full_recompute` apply to the first date of the range (dq_project.assets.matching).
    `asset_selection` limits the run to some assets (a backfill finishing the dates before a failed
    one, dq_project.cli.pipeline)."""
    last = last or first
    tags = {"dq/trigger": "cli", **(tags or {})}
    partition_key = None
    if last == first:
        partition_key = first.isoformat()
    else:
        tags |= {RANGE_START: first.isoformat(), RANGE_END: last.isoformat()}
    return pipeline_job().execute_in_process(
        run_config=run_config(warehouse, retrain=retrain, full_recompute=full_recompute, log_level=log_level),
        instance=instance or dg.DagsterInstance.ephemeral(),
        partition_key=partition_key,
        raise_on_error=False,
        tags=tags,
        asset_selection=asset_selection,
    )


def run_daily(
    warehouse: WarehouseResource | None,
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
    return run_dates(
        warehouse,
        snapshot_date,
        instance=instance,
        retrain=retrain,
        full_recompute=full_recompute,
        log_level=log_level,
    )
