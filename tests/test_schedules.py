"""The landing sensor launches one run per snapshot date with new or changed files, never twice."""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg

from dq_project.definitions import defs
from dq_project.schedules import landing_sensor
from dq_project.settings import Settings
from dq_project.warehouse.resource import WarehouseResource


def _evaluate(warehouse: WarehouseResource, cursor: str | None):
    with dg.build_sensor_context(cursor=cursor, resources={"warehouse": warehouse}) as context:
        requests = list(landing_sensor(context))
        return requests, context.cursor


def _land(settings: Settings, source: str, name: str, text: str = "customer_id\nC1\n") -> None:
    path = settings.landing_dir / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_sensor_requests_each_new_date_once(warehouse: WarehouseResource, settings: Settings) -> None:
    assert _evaluate(warehouse, None)[0] == []
    _land(settings, "crm", "crm_2026-01-02.csv")
    _land(settings, "erp", "erp_2026-01-02.csv")
    _land(settings, "crm", "crm_2026-01-03.csv")
    requests, cursor = _evaluate(warehouse, None)
    assert [r.partition_key for r in requests] == ["2026-01-02", "2026-01-03"]
    assert _evaluate(warehouse, cursor)[0] == []

    path = settings.landing_dir / "crm" / "crm_2026-01-03.csv"
    path.write_text("customer_id\nC1\nC2\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    changed, _ = _evaluate(warehouse, cursor)
    assert [r.partition_key for r in changed] == ["2026-01-03"]
    assert changed[0].run_key != requests[1].run_key


def test_schedule_targets_the_daily_job() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 3, 4, 23, 0))
    schedule = defs.resolve_schedule_def("daily_pipeline_schedule")
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-03-04"
