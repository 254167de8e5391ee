"""quality.kpi_history and the audit report: what a steward and a manager read after each run."""

import datetime as dt

import dagster as dg
import polars as pl

from dq_project.assets.keys import GOLDEN_CUSTOMERS, KPI_HISTORY, RULE_RESULTS
from dq_project.governance.audit_log import log_event
from dq_project.partitions import OWNERS, declaration, each_date, range_checks, range_metadata
from dq_project.reporting.kpis import kpi_tables
from dq_project.reporting.report import kpi_drops, render_report
from dq_project.warehouse.resource import WarehouseResource
from dq_project.warehouse.sql import query_sql, run_sql


def kpi_history_for_date(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, day: str
) -> tuple[dict, list[dg.AssetCheckResult]]:
    """One date's KPIs: the customer base as of the date (every record's latest version), plus scope
    'load' for the records staged on the date; the asset's metadata and its drop check."""
    settings = warehouse.settings()
    tables = kpi_tables(settings)
    with warehouse.connect() as con:
        con.begin()
        for name, table in tables.items():
            con.register(name, table.to_arrow())
        run_sql(con, "quality/build_kpi_history", snapshot_date=day, run_id=context.run_id)
        for name in tables:
            con.unregister(name)
        con.commit()
        kpis = query_sql(con, "quality/select_kpis", snapshot_date=day).pl()
        drops = kpi_drops(con, settings, dt.date.fromisoformat(day))
    today = kpis.filter(
        (pl.col("snapshot_date") == dt.date.fromisoformat(day)) & (pl.col("scope") == "overall")
    )
    # Float metadata under stable names lets the Dagster UI plot each KPI across partitions.
    metadata = {f"kpi_{r['dimension']}": dg.FloatMetadataValue(r["measure"]) for r in today.to_dicts()}
    check = dg.AssetCheckResult(
        asset_key=KPI_HISTORY,
        check_name="kpis_within_drop_threshold",
        passed=drops.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "max_drop": settings.kpis.max_drop,
            "drops": [
                f"{r['scope']} {r['dimension']}: {r['baseline']:.3f} -> {r['measure']:.3f}"
                for r in drops.to_dicts()
            ],
        },
    )
    return {"dagster/row_count": today.height, **metadata}, [check]


@dg.asset(
    key=KPI_HISTORY,
    deps=[RULE_RESULTS, GOLDEN_CUSTOMERS],
    group_name="quality",
    description="Quality KPIs per snapshot, overall and per source (dimension scores, duplicate "
    "rate, golden records), the series the report and the drop check compare against.",
    kinds={"duckdb", "sql"},
    owners=OWNERS,
    **declaration(),
    check_specs=[
        dg.AssetCheckSpec(
            "kpis_within_drop_threshold",
            asset=KPI_HISTORY,
            description="No KPI (overall or per source) fell more than kpis.max_drop below its baseline.",
        )
    ],
)
def kpi_history(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Quality KPIs of the snapshot (grain: snapshot_date x scope x metric)."""
    by_date = each_date(context, warehouse, lambda day: kpi_history_for_date(context, warehouse, day))
    yield dg.MaterializeResult(metadata=range_metadata({d: m for d, (m, _) in by_date.items()}))
    yield from range_checks({d: checks for d, (_, checks) in by_date.items()})


def report_for_date(context: dg.AssetExecutionContext, warehouse: WarehouseResource, day: str) -> dict:
    """One date's report and audit-log row; the asset's metadata."""
    settings = warehouse.settings()
    with warehouse.connect() as con:
        log_event(
            con,
            "run",
            target=context.run_id,
            snapshot_date=day,
            details={"job": context.job_name, "tags": dict(context.run.tags)},
        )
        path = render_report(con, settings, dt.date.fromisoformat(day))
    context.log.info(f"audit report written to {path}")
    return {"path": dg.MetadataValue.path(str(path))}


@dg.asset(
    key=["audit", "report"],
    deps=[KPI_HISTORY],
    group_name="audit",
    description="The HTML audit report of the snapshot (PII masked by default) and the run's audit-log row.",
    kinds={"html", "jinja"},
    owners=OWNERS,
    **declaration(),
)
def report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The HTML audit report of the snapshot: <home>/reports/<date>/audit.html (+ index.html)."""
    by_date = each_date(context, warehouse, lambda day: report_for_date(context, warehouse, day))
    return dg.MaterializeResult(metadata=range_metadata(by_date))
