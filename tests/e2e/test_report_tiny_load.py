"""A day whose only landed file holds 4 rows (issue 24): the quality KPIs still describe the whole
customer base, the 4 rows show as "this load", and no base-wide alert is raised."""

from __future__ import annotations

import datetime as dt
import shutil

import dagster as dg
import duckdb
import pytest

from dq_project.reporting.report import kpi_drops
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource

pytestmark = pytest.mark.e2e


def test_a_four_row_day_moves_the_base_kpis_by_little_and_raises_no_alert(report_history, tmp_path) -> None:
    home = tmp_path / "home"
    shutil.copytree(report_history.settings.home, home, ignore=shutil.ignore_patterns("reports", "run.lock"))
    last = report_history.days[-1]
    day = last + dt.timedelta(days=1)
    lines = (home / "landing" / "crm" / f"crm_{last}.csv").read_text(encoding="utf-8").splitlines()
    (home / "landing" / "crm" / f"crm_{day}.csv").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    assert run_daily(warehouse, day, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING").success

    settings = warehouse.settings()
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        rows = con.sql(
            "select snapshot_date, scope, dimension, measure, denominator from quality.kpi_history "
            "where scope in ('overall', 'load') and snapshot_date in ($a, $b)",
            params={"a": last, "b": day},
        ).fetchall()
        drops = kpi_drops(con, settings, day)
        current = con.sql("select count(*) from staging.current_customers($d)", params={"d": day}).fetchone()[
            0
        ]
    finally:
        con.close()
    kpi = {(d, s, m): (v, n) for d, s, m, v, n in rows}
    assert kpi[(day, "overall", "load_records")][0] == 4
    assert kpi[(day, "load", "completeness")][1] == 4
    assert kpi[(day, "overall", "completeness")][1] == current >= kpi[(last, "overall", "completeness")][1]
    for dimension in ("completeness", "validity", "consistency", "timeliness", "quality_score"):
        before, after = kpi[(last, "overall", dimension)][0], kpi[(day, "overall", dimension)][0]
        assert abs(after - before) < settings.kpis.max_drop, dimension
    assert drops.is_empty(), drops.to_dicts()
    html = (settings.reports_dir / day.isoformat() / "audit.html").read_text(encoding="utf-8")
    assert 'class="drop"' not in html
