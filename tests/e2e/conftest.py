"""A warehouse with several days of history and a report per day, shared by the report tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class LocaleReports:
    """The last day's report and the index rendered in one locale, into a home of their own."""

    locale: str
    report: Path
    index: Path


@pytest.fixture(scope="session")
def zh_reports(report_history: ReportHistory, tmp_path_factory: pytest.TempPathFactory) -> LocaleReports:
    """Every day's report in zh-CN (the models linked in, so the review explanations are drawn)."""
    import duckdb

    from dq_project.reporting.report import render_report
    from dq_project.settings import ReportSettings

    home = tmp_path_factory.mktemp("zh") / "home"
    home.mkdir()
    (home / "models").symlink_to(report_history.settings.models_dir)
    settings = report_history.settings.model_copy(
        update={"home": home, "report": ReportSettings(locale="zh-CN")}
    )
    con = duckdb.connect(str(report_history.settings.warehouse_path), read_only=True)
    try:
        report = [render_report(con, settings, day) for day in report_history.days][-1]
    finally:
        con.close()
    return LocaleReports("zh-CN", report, home / "reports" / "index.html")
