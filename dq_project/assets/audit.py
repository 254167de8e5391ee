"""quality.kpi_history and the audit report: what a steward and a manager read after each run."""

import datetime as dt

import dagster as dg
import polars as pl

from dq_project.assets.golden import GOLDEN_CUSTOMERS
from dq_project.assets.quality import RULE_RESULTS
from dq_project.partitions import daily_snapshots
from dq_project.report import render_report
from dq_project.resources import WarehouseResource
from dq_project.sql import query_sql, run_sql

KPI_HISTORY = dg.AssetKey(["quality", "kpi_history"])


@dg.asset(
    key=KPI_HISTORY,
    deps=[RULE_RESULTS, GOLDEN_CUSTOMERS],
    partitions_def=daily_snapshots,
    group_name="quality",
)
def kpi_history(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Quality KPIs of the snapshot (grain: snapshot_date x scope x dimension)."""
    day = context.partition_key
    with warehouse.connect() as con:
        con.begin()
        run_sql(con, "quality/build_kpi_history", snapshot_date=day, run_id=context.run_id)
        con.commit()
        kpis = query_sql(con, "quality/select_kpis", snapshot_date=day).pl()
    today = kpis.filter(pl.col("snapshot_date") == dt.date.fromisoformat(day))
    # Float metadata under stable names lets the Dagster UI plot each KPI across partitions.
    metadata = {f"kpi_{r['dimension']}": dg.FloatMetadataValue(r["measure"]) for r in today.to_dicts()}
    return dg.MaterializeResult(metadata={"dagster/row_count": today.height, **metadata})


@dg.asset(key=["audit", "report"], deps=[KPI_HISTORY], partitions_def=daily_snapshots, group_name="audit")
def report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The HTML audit report of the snapshot: <home>/reports/<date>/audit.html (+ index.html)."""
    settings = warehouse.settings()
    with warehouse.connect() as con:
        path = render_report(con, settings, dt.date.fromisoformat(context.partition_key))
    context.log.info(f"audit report written to {path}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
