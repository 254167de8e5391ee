"""The index of audit reports (<reports>/index.html): what a manager opens first. The overall KPI
trends over every date with KPIs, the latest date's alerts (KPI drops, failed rules), and a row per
date's report with its quality score and record count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from dq_project.reporting.charts import line_chart
from dq_project.warehouse.sql import query_sql

INDEX_DIMENSIONS = ("quality_score", "completeness", "validity", "consistency", "uniqueness", "timeliness")


def index_context(
    con: duckdb.DuckDBPyConnection, reports_dir: Path, labels: dict[str, str], drops_of
) -> dict:
    """Everything index.html.j2 shows. `drops_of(date)` gives that date's KPI drops (report.kpi_drops)."""
    reported = sorted((p.parent.name for p in reports_dir.glob("*/audit.html")), reverse=True)
    latest = max(reported, default=None)
    kpis = query_sql(con, "quality/select_kpis", snapshot_date=latest or dt.date.max.isoformat()).pl()
    overall = kpis.filter(pl.col("scope") == "overall")
    charts = [
        line_chart(overall.filter(pl.col("dimension") == d), labels[d], names={"overall": labels["overall"]})
        for d in INDEX_DIMENSIONS
        if overall.filter(pl.col("dimension") == d).height
    ]
    by_date = {
        row["snapshot_date"].isoformat(): row
        for row in overall.pivot(on="dimension", index="snapshot_date", values="measure").to_dicts()
    }
    reports = [
        {
            "date": day,
            "quality_score": by_date.get(day, {}).get("quality_score"),
            "records": by_date.get(day, {}).get("records"),
            "golden_records": by_date.get(day, {}).get("golden_records"),
        }
        for day in reported
    ]
    drops, failed = [], []
    if latest:
        drops = drops_of(dt.date.fromisoformat(latest)).to_dicts()
        failed = [
            r
            for r in query_sql(con, "quality/select_rule_results", snapshot_date=latest).pl().to_dicts()
            if not r["passed"]
        ]
    return {"charts": charts, "reports": reports, "latest": latest, "drops": drops, "failed_rules": failed}
