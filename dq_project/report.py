"""The audit report: one self-contained HTML file per snapshot date plus an index of all reports.

Data comes from the warehouse through sql/; the template (reports/audit.html.j2) is rendered with
autoescape and StrictUndefined, so customer values are always escaped and a missing field fails loudly.
Customer values shown are the masked ones stored in quality.rule_failures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from dq_project.settings import Settings
from dq_project.sql import query_sql

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "reports"
DIMENSIONS = ("completeness", "validity", "consistency", "uniqueness", "quality_score")
CHART_WIDTH, CHART_HEIGHT = 320, 90


@dataclass(frozen=True)
class Headline:
    dimension: str
    measure: float | None
    change: float | None


def template_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{v * 100:.1f}%"
    env.filters["signed_pct"] = lambda v: "" if v is None else f"{v * 100:+.1f} pt"
    env.filters["thousands"] = lambda v: f"{int(v):,}"
    return env


def headlines(kpis: pl.DataFrame, snapshot_date: dt.date) -> list[Headline]:
    """Each dimension's measure on the date and its change since the previous date with KPIs."""
    overall = kpis.filter(pl.col("scope") == "overall")
    result = []
    for dimension in DIMENSIONS:
        series = overall.filter(pl.col("dimension") == dimension).sort("snapshot_date")
        today = series.filter(pl.col("snapshot_date") == snapshot_date)["measure"]
        before = series.filter(pl.col("snapshot_date") < snapshot_date)["measure"]
        measure = today[0] if len(today) else None
        change = (
            measure - before[-1] if measure is not None and len(before) and before[-1] is not None else None
        )
        result.append(Headline(dimension, measure, change))
    return result


def trend_points(kpis: pl.DataFrame, dimension: str) -> list[tuple[float, float, str, float]]:
    """Chart coordinates (x, y, date, measure) of one overall KPI over all dates (y: 0..100%)."""
    series = kpis.filter(
        (pl.col("scope") == "overall") & (pl.col("dimension") == dimension) & pl.col("measure").is_not_null()
    ).sort("snapshot_date")
    step = CHART_WIDTH / max(series.height - 1, 1)
    return [
        (round(i * step, 1), round(CHART_HEIGHT - measure * CHART_HEIGHT, 1), day.isoformat(), measure)
        for i, (day, measure) in enumerate(series.select("snapshot_date", "measure").iter_rows())
    ]


def gather(con: duckdb.DuckDBPyConnection, settings: Settings, snapshot_date: dt.date) -> dict:
    """Everything the template shows, as plain Python values."""
    day = snapshot_date.isoformat()
    kpis = query_sql(con, "quality/select_kpis", snapshot_date=day).pl()
    rules = query_sql(con, "quality/select_rule_results", snapshot_date=day).pl()
    samples = query_sql(
        con, "quality/select_failure_samples", snapshot_date=day, per_rule=settings.report.failure_samples
    ).pl()
    summary = query_sql(con, "golden/select_summary", as_of_date=day).fetchall()[0]
    return {
        "snapshot_date": day,
        "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "headlines": headlines(kpis, snapshot_date),
        "trends": {d: trend_points(kpis, d) for d in DIMENSIONS},
        "history_days": kpis["snapshot_date"].n_unique(),
        "rules": rules.to_dicts(),
        "samples": {r: g.to_dicts() for (r,), g in samples.group_by("rule_id", maintain_order=True)},
        "golden": dict(zip(("golden_records", "source_records", "merged_entities"), summary, strict=True)),
        "review": query_sql(con, "matching/select_review_sample", as_of_date=day, limit=25).pl().to_dicts(),
        "review_size": query_sql(con, "matching/select_review_size", as_of_date=day).fetchall()[0][0],
        "loads": query_sql(con, "raw/select_partition_loads", snapshot_date=day).pl().to_dicts(),
        "quarantine": query_sql(con, "raw/select_quarantine_sample", snapshot_date=day, limit=20)
        .pl()
        .to_dicts(),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
    }


def render_report(con: duckdb.DuckDBPyConnection, settings: Settings, snapshot_date: dt.date) -> Path:
    """Write <home>/reports/<date>/audit.html and refresh <home>/reports/index.html."""
    env = template_environment()
    context = gather(con, settings, snapshot_date)
    labels = LABELS[settings.report.locale]
    out = settings.reports_dir / snapshot_date.isoformat() / "audit.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        env.get_template("audit.html.j2").render(t=labels, locale=settings.report.locale, **context),
        encoding="utf-8",
    )
    reports = sorted((p.parent.name for p in settings.reports_dir.glob("*/audit.html")), reverse=True)
    index = env.get_template("index.html.j2").render(t=labels, reports=reports)
    (settings.reports_dir / "index.html").write_text(index, encoding="utf-8")
    return out


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Customer data audit",
        "snapshot": "Snapshot",
        "generated": "Generated",
        "completeness": "Completeness",
        "validity": "Validity",
        "consistency": "Consistency",
        "uniqueness": "Uniqueness",
        "quality_score": "Quality score",
        "since_last": "since last run",
        "trends": "Trends",
        "days": "days of history",
        "rules": "Rules",
        "rule": "Rule",
        "dimension": "Dimension",
        "severity": "Severity",
        "evaluated": "Evaluated",
        "failed": "Failed",
        "ratio": "Failing",
        "status": "Status",
        "pass": "pass",
        "fail": "FAIL",
        "samples": "Masked samples",
        "duplicates": "Duplicates and golden records",
        "golden_records": "Golden records",
        "source_records": "Source records",
        "merged_entities": "Entities with several records",
        "review_queue": "Review queue",
        "pair": "Pair",
        "probability": "Match probability",
        "loads": "Loads",
        "source": "Source",
        "files": "Files",
        "rows_loaded": "Rows loaded",
        "rows_quarantined": "Rows quarantined",
        "quarantine": "Quarantine",
        "line": "Line",
        "reason": "Reason",
        "file": "File",
        "index": "Audit reports",
        "none": "none",
        "alerts": "Alerts",
        "alert_rule": "rule failed its threshold",
    },
    "zh-CN": {
        "title": "客户数据质量审计报告",
        "snapshot": "快照日期",
        "generated": "生成时间",
        "completeness": "完整性",
        "validity": "有效性",
        "consistency": "一致性",
        "uniqueness": "唯一性",
        "quality_score": "质量总分",
        "since_last": "较上次",
        "trends": "趋势",
        "days": "天历史",
        "rules": "规则",
        "rule": "规则",
        "dimension": "维度",
        "severity": "级别",
        "evaluated": "检查数",
        "failed": "失败数",
        "ratio": "失败率",
        "status": "状态",
        "pass": "通过",
        "fail": "未通过",
        "samples": "脱敏样例",
        "duplicates": "重复与黄金记录",
        "golden_records": "黄金记录数",
        "source_records": "源记录数",
        "merged_entities": "含多条记录的实体",
        "review_queue": "待审核队列",
        "pair": "记录对",
        "probability": "匹配概率",
        "loads": "加载",
        "source": "来源",
        "files": "文件数",
        "rows_loaded": "加载行数",
        "rows_quarantined": "隔离行数",
        "quarantine": "隔离区",
        "line": "行号",
        "reason": "原因",
        "file": "文件",
        "index": "审计报告",
        "none": "无",
        "alerts": "告警",
        "alert_rule": "规则超出阈值",
    },
}
