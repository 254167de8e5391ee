"""The audit report and the index read as a user reads them: the visible text, every table header,
every chart's axes, and the numbers shown against the warehouse; in en and zh-CN (issue 24)."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest
from history_reads import read_history

from dq_project.reporting.locale import locale_filters

pytestmark = pytest.mark.e2e
CJK = re.compile(r"[\u4e00-\u9fff]")


class Page(HTMLParser):
    """Visible text, table headers and the SVG charts of a rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.headers: list[str] = []
        self.charts: list[dict] = []
        self._skip = 0
        self._th: list[str] | None = None
        self._chart: dict | None = None
        self._class: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "th":
            self._th = []
        if tag == "svg" and "line-chart" in (attrs.get("class") or ""):
            self._chart = {"x_title": "", "y_title": "", "x_ticks": [], "y_ticks": [], "tips": []}
        self._class.append(attrs.get("class") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "th" and self._th is not None:
            self.headers.append("".join(self._th).strip())
            self._th = None
        if tag == "svg" and self._chart is not None:
            self.charts.append(self._chart)
            self._chart = None
        if self._class:
            self._class.pop()

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._th is not None:
            self._th.append(data)
        if self._chart is not None and data.strip():
            kind = self._class[-1] if self._class else ""
            if "x-axis-title" in kind:
                self._chart["x_title"] += data
            elif "y-axis-title" in kind:
                self._chart["y_title"] += data
            elif "x-tick" in kind:
                self._chart["x_ticks"].append(data)
            elif "y-tick" in kind:
                self._chart["y_ticks"].append(data)
            else:
                self._chart["tips"].append(data)


def _pages(report_history, zh_reports) -> dict[str, Path]:
    reports = report_history.settings.reports_dir
    return {
        "en report": reports / report_history.days[-1].isoformat() / "audit.html",
        "en index": reports / "index.html",
        "zh report": zh_reports.report,
        "zh index": zh_reports.index,
    }


def test_no_python_leaks_in_the_visible_text(report_history, zh_reports) -> None:
    for name, path in _pages(report_history, zh_reports).items():
        text = " ".join(Page(path.read_text(encoding="utf-8")).text)
        for leak in (r"<built-in", r"\bNone\b", r"\bnan\b", r"\{\{", r"\{%", r"\bNaT\b"):
            assert not re.search(leak, text), (name, leak, re.search(f".{{60}}{leak}.{{60}}", text))
        assert not re.search(r'\{"\w+":', text), (name, "raw JSON shown")


def test_every_table_header_is_labelled_in_both_locales(report_history, zh_reports) -> None:
    pages = _pages(report_history, zh_reports)
    for name, path in pages.items():
        headers = Page(path.read_text(encoding="utf-8")).headers
        assert headers and all(headers), (name, headers)
        assert not [h for h in headers if "_" in h], (name, "a column name shown as a header")
        if name.startswith("zh"):
            assert [h for h in headers if not CJK.search(h)] == [], name


def test_every_chart_has_axis_labels_dates_and_values_on_hover(report_history, zh_reports) -> None:
    days = report_history.days
    for name, path in _pages(report_history, zh_reports).items():
        charts = Page(path.read_text(encoding="utf-8")).charts
        assert len(charts) >= 5, name
        zh = name.startswith("zh")
        for chart in charts:
            assert chart["x_title"].strip() and chart["y_title"].strip(), (name, chart)
            assert len(chart["x_ticks"]) == len(days) and len(chart["y_ticks"]) == 2, (name, chart)
            first = days[0]
            assert chart["x_ticks"][0] == (f"{first.month}月{first.day}日" if zh else f"May {first.day}")
            # one tooltip per point, with its date and value
            points = [t for t in chart["tips"] if "%" in t]
            assert points and all(re.search(r"\d{4}", t) for t in points), (name, chart["tips"][:3])


def test_index_shows_trends_alerts_and_every_report_with_warehouse_numbers(report_history) -> None:
    fmt = locale_filters("en")
    html = (report_history.settings.reports_dir / "index.html").read_text(encoding="utf-8")
    kpis = read_history(
        report_history,
        "select snapshot_date, dimension, measure from quality.kpi_history where scope = 'overall' "
        "and dimension in ('quality_score', 'records', 'golden_records')",
    )
    rows = dict(re.findall(r'<tr data-date="([\d-]+)">(.*?)</tr>', html, re.S))
    assert sorted(rows) == [d.isoformat() for d in report_history.days]
    for day in report_history.days:
        today = dict(kpis.filter(pl.col("snapshot_date") == day).select("dimension", "measure").iter_rows())
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[day.isoformat()])]
        assert cells == [
            fmt["date"](day),
            fmt["pct"](today["quality_score"]),
            fmt["thousands"](today["records"]),
            fmt["thousands"](today["golden_records"]),
        ]
        assert f'href="{day.isoformat()}/audit.html"' in html
    failed = read_history(
        report_history,
        "select rule_id from quality.rule_results where snapshot_date = $d and not passed",
        d=report_history.days[-1],
    )["rule_id"].to_list()
    alerts = html.split('id="latest-alerts"')[1].split("</section>")[0]
    assert failed and all(f"<code>{r}</code>" in alerts for r in failed)


def test_kpis_describe_the_customer_base_and_this_load_is_shown_as_such(report_history) -> None:
    fmt, day = locale_filters("en"), report_history.days[-1]
    current, staged = read_history(
        report_history,
        "select (select count(*) from staging.current_customers($d)), "
        "(select count(*) from staging.customers where snapshot_date = $d)",
        d=day,
    ).row(0)
    assert current > staged  # the base holds records of earlier days this load did not touch
    kpis = read_history(
        report_history,
        "select scope, dimension, measure, denominator from quality.kpi_history "
        "where snapshot_date = $d and kind in ('dimension', 'score', 'count')",
        d=day,
    )
    completeness = kpis.filter(pl.col("dimension") == "completeness")
    denominators = dict(completeness.select("scope", "denominator").iter_rows())
    assert denominators["overall"] == current and denominators["load"] == staged
    html = (report_history.settings.reports_dir / day.isoformat() / "audit.html").read_text(encoding="utf-8")
    load = html.split('id="this-load"')[1].split("</section>")[0]
    shown = dict(re.findall(r'data-load-dimension="(\w+)"><div>[^<]*</div><div class="value">([^<]*)<', load))
    for dimension, measure in (
        kpis.filter(pl.col("scope") == "load").select("dimension", "measure").iter_rows()
    ):
        assert shown[dimension] == fmt["pct"](measure), dimension
    assert re.search(rf'data-count="load_records">.*?class="value">{fmt["thousands"](staged)}<', load, re.S)


def test_owner_scorecard_counts_no_placeholder_as_a_person(report_history) -> None:
    day = report_history.days[-1]
    placeholders = ("待分配", "未分配", "未知", "不详", "暂无", "测试", "n/a", "-")
    owners = read_history(
        report_history,
        "select owner, count(*) as n from staging.current_customers($d) group by owner",
        d=day,
    )
    missing = owners.filter(
        pl.col("owner").is_null() | pl.col("owner").str.to_lowercase().is_in(placeholders)
    )["n"].sum()
    assert missing  # the generator plants placeholder owners
    html = (report_history.settings.reports_dir / day.isoformat() / "audit.html").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'<tr><td>([^<]*)</td><td class="num">([\d,]+)</td>', html.split("Owner scorecards")[1]
        )
    }
    assert not set(placeholders) & set(rows)
    assert rows["(owner missing or a placeholder)"] == f"{missing:,}"


def test_no_owner_field_is_not_owner_missing(report_history, tmp_path) -> None:
    """A source without an owner mapping gets its own row, not the missing-owner one."""
    from dq_project.reporting.kpis import kpi_tables
    from dq_project.warehouse.sql import run_sql

    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(report_history.settings.warehouse_path.read_bytes())
    day = report_history.days[-1].isoformat()
    tables = kpi_tables(report_history.settings)
    tables["kpi_owner_sources"] = pl.DataFrame({"source": ["crm"]})
    con = duckdb.connect(str(copy))
    try:
        for name, table in tables.items():
            con.register(name, table.to_arrow())
        run_sql(con, "quality/build_kpi_history", snapshot_date=day, run_id="test")
        scopes = dict(
            con.sql(
                "select scope, denominator from quality.kpi_history where snapshot_date = $d "
                "and dimension = 'completeness' and scope like 'owner:<%'",
                params={"d": day},
            ).fetchall()
        )
        others = con.sql(
            "select count(*) from staging.current_customers($d) where source <> 'crm'", params={"d": day}
        ).fetchone()[0]
    finally:
        con.close()
    assert scopes["owner:<no_field>"] == others
    assert "owner:<missing>" in scopes and scopes["owner:<missing>"] < others


def test_review_explanations_add_up_to_the_pair_probability(report_history, zh_reports) -> None:
    day = report_history.days[-1]
    queue = read_history(
        report_history,
        "select record_key_l, record_key_r, match_probability, cast(weights as varchar) as weights "
        "from matching.review_queue where as_of_date = $d",
        d=day,
    )
    assert queue.height
    html = (report_history.settings.reports_dir / day.isoformat() / "audit.html").read_text(encoding="utf-8")
    pairs = re.findall(r'<tr class="review-pair"><td>([^<]*) ↔ ([^<]*)</td>(.*?)</tr>', html, re.S)
    assert len(pairs) == min(queue.height, 25)
    stored = {(r["record_key_l"], r["record_key_r"]): r for r in queue.to_dicts()}
    for left, right, row in pairs:
        bars = dict(re.findall(r'data-comparison="([^"]+)" data-weight="([-\d.e]+)"', row))
        expected = json.loads(stored[(left, right)]["weights"])
        assert {k: float(v) for k, v in bars.items() if k not in ("prior", "total")} == expected
        total = float(bars["total"])
        assert math.isclose(total, float(bars["prior"]) + sum(expected.values()), abs_tol=1e-6)
        probability = 2**total / (1 + 2**total)
        assert math.isclose(probability, stored[(left, right)]["match_probability"], abs_tol=2e-3), (
            left,
            right,
        )
        assert "<title>" in row and "<svg" in row
    zh = zh_reports.report.read_text(encoding="utf-8")
    assert "先验" in zh and "完全一致" in zh
