"""A bulk import of several daily snapshots, then a backfill: one KPI point per day, nothing twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dq_generator import generate
from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.settings import PROJECT_ROOT, Settings
from dq_project.warehouse.resource import connect_warehouse

DAYS = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(3)]


def test_bulk_import_then_backfill(home: Path, settings: Settings, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    for day in DAYS:
        generate(300, 5, exports / day.isoformat(), day)
    files = sorted(str(p) for p in exports.glob("*/crm/*.csv"))
    cli = CliRunner()
    common = ["--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]
    landed = cli.invoke(app, ["ingest", *files, "--source", "crm", "--no-run", *common])
    assert landed.exit_code == 0, landed.output
    assert landed.output.count(": loaded,") == len(DAYS)

    result = cli.invoke(
        app, ["backfill", "--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat(), *common]
    )
    assert result.exit_code == 0, result.output
    again = cli.invoke(
        app, ["backfill", "--from", DAYS[-1].isoformat(), "--to", DAYS[-1].isoformat(), *common]
    )
    assert again.exit_code == 0, again.output

    con = connect_warehouse(settings, read_only=True)
    kpi_days = con.sql(
        "select snapshot_date, count(*) from quality.kpi_history "
        "where dimension = 'quality_score' and scope = 'overall' group by 1"
    ).fetchall()
    loads = con.sql(
        "select snapshot_date, count(*), sum(rows_loaded) from raw.loads group by 1 order by 1"
    ).fetchall()
    reports = sorted(p.parent.name for p in settings.reports_dir.glob("*/audit.html"))
    con.close()
    assert sorted(day for day, n in kpi_days if n == 1) == DAYS
    assert [(day, n) for day, n, _ in loads] == [(day, 1) for day in DAYS]
    assert reports == [day.isoformat() for day in DAYS]
