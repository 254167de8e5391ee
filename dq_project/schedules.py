"""The daily job, its schedule, and the landing-folder sensor."""

import hashlib
import json

import dagster as dg

from dq_project.sources.ingest import discover
from dq_project.warehouse.resource import WarehouseResource

daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest, standardize, validate, deduplicate, build golden records, KPIs and the report.",
    # One process: DuckDB allows one writer per file, and the steps run one after another anyway.
    executor_def=dg.in_process_executor,
)

daily_schedule = dg.build_schedule_from_partitioned_job(
    daily_pipeline, name="daily_pipeline_schedule", hour_of_day=23, minute_of_hour=0
)


@dg.sensor(job=daily_pipeline, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Launch the run for a snapshot date when a new or changed file lands for it.

    The cursor maps each seen file to its size and mtime. The run key is the date plus a digest of
    that date's file signatures, so the same set of files never launches the same run twice.
    """
    seen = json.loads(context.cursor) if context.cursor else {}
    current: dict[str, str] = {}
    by_date: dict[str, list[str]] = {}
    for landed in discover(warehouse.settings()):
        stat = landed.path.lstat()  # a refused symlink is never followed
        current[str(landed.path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
        by_date.setdefault(landed.snapshot_date.isoformat(), []).append(str(landed.path))
    for day, paths in sorted(by_date.items()):
        if all(seen.get(p) == current[p] for p in paths):
            continue
        digest = hashlib.sha256("|".join(f"{p}={current[p]}" for p in sorted(paths)).encode()).hexdigest()
        yield dg.RunRequest(run_key=f"{day}:{digest[:16]}", partition_key=day)
    context.update_cursor(json.dumps(current))
