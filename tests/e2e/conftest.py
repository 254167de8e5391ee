"""A warehouse with several days of history and a report per day, shared by the report tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dagster as dg
import pytest
from dq_generator import generate

from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT, Settings
from dq_project.warehouse.resource import WarehouseResource

REPORT_DAYS = [dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 5, 3)]


@dataclass(frozen=True)
class ReportHistory:
    warehouse: WarehouseResource
    settings: Settings
    days: list[dt.date]


@pytest.fixture(scope="session")
def report_history(tmp_path_factory: pytest.TempPathFactory) -> ReportHistory:
    """Three daily snapshots of generated data (300 new rows a day), each run through the real job."""
    home = tmp_path_factory.mktemp("history") / "home"
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    for seed, day in enumerate(REPORT_DAYS, start=3):
        generate(300, seed, home / "landing", day)
        assert run_daily(warehouse, day, instance=instance, log_level="WARNING").success
    return ReportHistory(warehouse, warehouse.settings(), REPORT_DAYS)
