"""The launch path of `dq run`, `dq ingest` and `dq backfill`: take the data home's run lock, open
its Dagster instance, run the pipeline job of the one Definitions for a date or a range of dates
(dq_project.runner), and report which date failed. The printing of a summary and of a failure is
the caller's (dq_project.cli.pipeline)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from dq_project.settings import Settings


def launch(
    settings: Settings,
    config: Path | None,
    first: dt.date,
    last: dt.date,
    *,
    retrain: bool,
    full: bool = False,
    quiet: bool = False,
    summary: Callable[[Settings, dt.date, float], None],
    explain: Callable[[Any, Path], None],
) -> bool:
    """One run of the pipeline job of `defs` for the dates first..last (dq_project.runner), under
    the data home's run lock and on its Dagster instance; print the outcome.

    The run lock is taken first, so a run that has to wait says so (who holds the lock, since
    when) and says when it gets it. When a date of a range fails, the later dates stop there; the
    dates before it, which the failed run validated but could not finish, get a second run of the
    assets the first one did not materialize, so they end as a per-date run would leave them."""
    from dq_project.cli import console
    from dq_project.runner import local_instance, run_dates
    from dq_project.warehouse.lock import run_lock_held
    from dq_project.warehouse.resource import WarehouseResource, connect_warehouse, log_lock_takeover

    warehouse = WarehouseResource(config_path=str(config) if config else None, home=str(settings.home))
    span = str(first) if first == last else f"{first}..{last}"
    taken_over: list[str] = []

    def notify(message: str) -> None:
        typer.secho(message, fg="yellow", err=True)
        if message.startswith("taking over"):
            taken_over.append(message)

    with run_lock_held(settings.home, warehouse.run_lock_wait_seconds, f"dq {span}", notify):
        # A missing or wrong key, or a damaged file, stops here (main() explains it), not inside an asset.
        connect_warehouse(settings).close()
        if taken_over:
            log_lock_takeover(settings, f"dq {span}", taken_over[0])
        instance = local_instance(settings.dagster_home)
        console.say(f"running the pipeline for {span} (warehouse {settings.warehouse_path})")
        started = time.perf_counter()
        options = {"instance": instance, "log_level": "WARNING" if quiet else console.dagster_log_level()}
        with console.Progress(instance, f"running {span}"):
            result = run_dates(warehouse, first, last, retrain=retrain, full_recompute=full, **options)
        elapsed = time.perf_counter() - started
        console.report_run(instance, result.run_id)
        if result.success:
            summary(settings, last, elapsed)
            return True
        failed = _failed_date(result, first, last)
        typer.secho(f"{failed}: run failed after {elapsed:.0f}s", fg="red", err=True)
        explain(result, settings.home)
        if failed > first:
            _finish_before(result, warehouse, first, failed - dt.timedelta(days=1), options, explain)
        if failed < last:
            typer.secho(
                f"  {failed} and the {(last - failed).days} date(s) after it have no golden records "
                f"or reports; fix the cause, then: dq backfill --from {failed} --to {last}",
                fg="red",
                err=True,
            )
        return False


def _failed_date(result, first: dt.date, last: dt.date) -> dt.date:
    """The date a failed run stopped at: named by a failing blocking check or by the failed step's
    error (dq_project.partitions.each_date annotates it); the first date when neither says."""
    import dagster as dg

    if first == last:
        return first
    dates = [
        day
        for check in result.get_asset_check_evaluations()
        if not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
        for day in check.metadata.get("dates_failed", dg.MetadataValue.json([])).value
    ]
    for event in result.get_step_failure_events():
        found = re.search(
            r"snapshot date (\d{4}-\d\d-\d\d) failed", event.event_specific_data.error.to_string()
        )
        dates += [found.group(1)] if found else []
    return min((dt.date.fromisoformat(d) for d in dates), default=first)


def _finish_before(result, warehouse, first: dt.date, last: dt.date, options: dict, explain) -> None:
    """Run the assets the failed range run did not materialize for first..last (the dates before
    the failed one): the others already hold those dates."""
    from dq_project.runner import pipeline_job, run_dates

    done = {event.asset_key for event in result.get_asset_materialization_events()}
    todo = [key for key in pipeline_job().asset_layer.executable_asset_keys if key not in done]
    span = str(first) if first == last else f"{first}..{last}"
    typer.echo(f"finishing {span}, the dates before the failed one")
    again = run_dates(warehouse, first, last, asset_selection=todo, **options)
    if not again.success:
        typer.secho(f"{span}: failed as well", fg="red", err=True)
        explain(again, Path(warehouse.home))
    else:
        typer.echo(f"  {span}: done")
