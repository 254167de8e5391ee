"""The audit report: one self-contained HTML file per snapshot date plus an index of all reports.

Data comes from the warehouse through sql/; the template (reports/audit.html.j2) is rendered with
autoescape and StrictUndefined, so customer values are always escaped and a missing field fails loudly.
Customer values shown are masked (the masked samples stored in quality.rule_failures, review pairs
masked on the way out) unless `[report] mask_pii = false`. Numbers and dates are formatted for the
report's locale with Babel.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from dq_project.reporting.charts import Chart, line_chart, sparkline
from dq_project.reporting.explain import explanations
from dq_project.reporting.index import index_context
from dq_project.reporting.locale import locale_labels, template_environment
from dq_project.reporting.oplog import readable_log
from dq_project.settings import Settings
from dq_project.sources.file_quarantine import issues_of_date
from dq_project.stewardship.decisions import REVIEW_FIELDS, review_list
from dq_project.warehouse.sql import query_sql

DIMENSIONS = ("completeness", "validity", "consistency", "uniqueness", "timeliness", "quality_score")
COUNTS = (
    "records",
    "golden_records",
    "duplicate_rate",
    "merges",
    "splits",
    "review_queue",
    "quarantined_rows",
)


@dataclass(frozen=True)
class Headline:
    dimension: str
    measure: float | None
    change: float | None


def headlines(kpis: pl.DataFrame, snapshot_date: dt.date, scope: str = "overall") -> list[Headline]:
    """Each dimension's measure on the date and its change since the previous date with KPIs."""
    scoped = kpis.filter(pl.col("scope") == scope)
    result = []
    for dimension in DIMENSIONS:
        series = scoped.filter(pl.col("dimension") == dimension).sort("snapshot_date")
        today = series.filter(pl.col("snapshot_date") == snapshot_date)["measure"]
        before = series.filter(pl.col("snapshot_date") < snapshot_date)["measure"].drop_nulls()
        measure = today[0] if len(today) else None
        change = measure - before[-1] if measure is not None and len(before) else None
        result.append(Headline(dimension, measure, change))
    return result


def trend_charts(kpis: pl.DataFrame, labels: dict[str, str]) -> list[Chart]:
    """Per dimension: the overall KPI and each source's, over all dates; series named in the locale."""
    scoped = kpis.filter((pl.col("scope") == "overall") | pl.col("scope").str.starts_with("source:"))
    names = {s: s.removeprefix("source:") for s in scoped["scope"].unique().to_list()}
    names["overall"] = labels["overall"]
    return [
        line_chart(scoped.filter(pl.col("dimension") == d), labels[d], names=names)
        for d in DIMENSIONS
        if scoped.filter(pl.col("dimension") == d).height
    ]


def rule_trends(trends: pl.DataFrame, snapshot_date: dt.date) -> dict[str, dict]:
    """Per rule: a sparkline of its failing ratio over all dates and the change since the previous date."""
    result = {}
    for (rule_id,), series in trends.group_by("rule_id", maintain_order=True):
        before = series.filter(pl.col("snapshot_date") < snapshot_date)["measure"]
        today = series.filter(pl.col("snapshot_date") == snapshot_date)["measure"]
        change = today[0] - before[-1] if len(today) and len(before) else None
        result[rule_id] = {"chart": sparkline(series, rule_id), "change": change}
    return result


def scorecards(kpis: pl.DataFrame, snapshot_date: dt.date, prefix: str) -> list[dict]:
    """One row per owner (or source) with each dimension's measure and the record count, worst first."""
    today = kpis.filter((pl.col("snapshot_date") == snapshot_date) & pl.col("scope").str.starts_with(prefix))
    if today.is_empty():
        return []
    wide = today.pivot(on="dimension", index="scope", values="measure", aggregate_function="first")
    sizes = today.filter(pl.col("dimension") == "completeness").select("scope", records="denominator")
    wide = wide.join(sizes, on="scope", how="left").with_columns(pl.col("scope").str.strip_prefix(prefix))
    for dimension in DIMENSIONS:
        if dimension not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(dimension))
    return wide.sort("quality_score", nulls_last=True).to_dicts()


def kpi_drops(con: duckdb.DuckDBPyConnection, settings: Settings, snapshot_date: dt.date) -> pl.DataFrame:
    """KPIs that fell more than kpis.max_drop below their baseline on the date."""
    return query_sql(
        con,
        "quality/select_kpi_drops",
        snapshot_date=snapshot_date.isoformat(),
        max_drop=settings.kpis.max_drop,
        baseline_days=settings.kpis.baseline_days,
    ).pl()


def gather(con: duckdb.DuckDBPyConnection, settings: Settings, snapshot_date: dt.date) -> dict:
    """Everything the template shows, as plain Python values."""
    day = snapshot_date.isoformat()
    labels = locale_labels(settings.report.locale)
    kpis = query_sql(con, "quality/select_kpis", snapshot_date=day).pl()
    today = kpis.filter((pl.col("snapshot_date") == snapshot_date) & (pl.col("scope") == "overall"))
    samples = query_sql(
        con,
        "quality/select_failure_samples",
        snapshot_date=day,
        per_rule=settings.report.failure_samples,
        unmasked=not settings.report.mask_pii,
    ).pl()
    trends = query_sql(con, "quality/select_rule_trends", snapshot_date=day).pl()
    drops = kpi_drops(con, settings, snapshot_date)
    review = review_list(con, snapshot_date, 25, mask=settings.report.mask_pii)
    return {
        "snapshot_date": day,
        "generated_at": dt.datetime.now(dt.UTC),
        "masked": settings.report.mask_pii,
        "headlines": headlines(kpis, snapshot_date),
        "load_headlines": headlines(kpis, snapshot_date, scope="load"),
        "load_records": next((r["measure"] for r in today.to_dicts() if r["dimension"] == "load_records"), 0),
        "counts": {r["dimension"]: r["measure"] for r in today.to_dicts() if r["dimension"] in COUNTS},
        "charts": trend_charts(kpis, labels),
        "history_days": kpis["snapshot_date"].n_unique(),
        "drops": drops.to_dicts(),
        "rules": query_sql(con, "quality/select_rule_results", snapshot_date=day).pl().to_dicts(),
        "rule_trends": rule_trends(trends, snapshot_date),
        "samples": {r: g.to_dicts() for (r,), g in samples.group_by("rule_id", maintain_order=True)},
        "changes": query_sql(con, "quality/select_failure_changes", snapshot_date=day).pl().to_dicts(),
        "owners": scorecards(kpis, snapshot_date, "owner:"),
        "sources": scorecards(kpis, snapshot_date, "source:"),
        "review": review.to_dicts(),
        "explanations": explanations(con, settings.models_dir, day, review, labels),
        "review_reasons": dict(query_sql(con, "matching/select_review_reasons", as_of_date=day).fetchall()),
        "audit_log": readable_log(
            query_sql(con, "audit/select_log", snapshot_date=day, limit=30).pl().to_dicts(), labels
        ),
        "merged": query_sql(con, "matching/select_merged_this_run", as_of_date=day, limit=50).pl().to_dicts(),
        "id_changes": query_sql(con, "matching/select_id_changes", as_of_date=day, limit=50).pl().to_dicts(),
        "loads": query_sql(con, "raw/select_partition_loads", snapshot_date=day).pl().to_dicts(),
        "quarantine": query_sql(con, "raw/select_quarantine_sample", snapshot_date=day, limit=20)
        .pl()
        .to_dicts(),
        "quarantined_files": issues_of_date(con, snapshot_date, limit=20),
        "mapping_warnings": query_sql(con, "raw/select_mapping_warnings", snapshot_date=day).pl().to_dicts(),
        **linkage_models(con, settings, day),
        **data_docs_links(settings, snapshot_date),
    }


def linkage_models(con: duckdb.DuckDBPyConnection, settings: Settings, day: str) -> dict:
    """models: per type its thresholds and why, training size, comparisons; model_health: issues."""
    from dq_project.matching.health import model_health
    from dq_project.matching.model_meta import load_meta

    match_settings = settings.matching
    counts = dict(query_sql(con, "matching/select_type_counts", as_of_date=day).fetchall())
    models = []
    for path in sorted(settings.models_dir.glob("splink_*.json")):
        meta = load_meta(path) if path.name.count(".") == 1 else None
        if meta:
            customer_type = path.stem.removeprefix("splink_")
            chosen = meta["thresholds"]
            models.append(
                {
                    "customer_type": customer_type,
                    "records": meta["training"]["records"],
                    "comparisons": ", ".join(meta["derivation"]["comparisons"]),
                    "merge": match_settings.merge_threshold or chosen["merge_threshold"],
                    "review": match_settings.review_threshold or chosen["review_threshold"],
                    "reason": "configured" if match_settings.merge_threshold else chosen["reason"],
                }
            )
    health = model_health(settings.models_dir, counts, match_settings)
    return {"models": models, "model_health": [i.as_dict() for i in health]}


def data_docs_links(settings: Settings, snapshot_date: dt.date) -> dict[str, str | None]:
    """Relative links from the audit report to the run's GX Data Docs (written by the validation
    asset under <home>/reports/<date>/gx/), or None when there are none."""
    folder = settings.reports_dir / snapshot_date.isoformat() / "gx"
    if not (folder / "validation.html").exists():
        return {"data_docs": None, "data_docs_suite": None}
    return {"data_docs": "gx/validation.html", "data_docs_suite": "gx/suite.html"}


def private_reports_dir(settings: Settings, user: str) -> Path:
    """Where a steward's unmasked render goes: <home>/private/<user>/reports, never the shared folder."""
    folder = re.sub(r"[^\w.-]", "_", user).lstrip(".") or "_"  # a user name is not a path
    return settings.home / "private" / folder / "reports"


def render_report(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    snapshot_date: dt.date,
    *,
    private_for: str | None = None,
) -> Path:
    """Write <home>/reports/<date>/audit.html and refresh <home>/reports/index.html.

    The shared report is always masked, whatever `[report] mask_pii` says: anyone may render it (a
    viewer with a config of their own included), so it cannot follow the caller's masking policy.
    `private_for` names a user: the report is then rendered under the config's policy into that
    user's private folder (the CLI checks the steward role and logs it first)."""
    if private_for is None:
        settings = settings.model_copy(
            update={"report": settings.report.model_copy(update={"mask_pii": True})}
        )
    reports_dir = settings.reports_dir if private_for is None else private_reports_dir(settings, private_for)
    env = template_environment(settings.report.locale)
    context = gather(con, settings, snapshot_date)
    labels = locale_labels(settings.report.locale)
    out = reports_dir / snapshot_date.isoformat() / "audit.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    html = env.get_template("audit.html.j2").render(
        t=labels,
        locale=settings.report.locale,
        dimensions=DIMENSIONS,
        review_fields=REVIEW_FIELDS,
        **context,
    )
    out.write_text(html, encoding="utf-8")
    render_index(con, settings, reports_dir)
    return out


def render_index(con: duckdb.DuckDBPyConnection, settings: Settings, reports_dir: Path) -> Path:
    """Write <reports_dir>/index.html: KPI trends over every date, the latest alerts, every report."""
    labels = locale_labels(settings.report.locale)
    context = index_context(con, reports_dir, labels, lambda day: kpi_drops(con, settings, day))
    html = (
        template_environment(settings.report.locale)
        .get_template("index.html.j2")
        .render(t=labels, locale=settings.report.locale, **context)
    )
    path = reports_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
